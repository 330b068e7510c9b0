package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cached, committed state of one member device: the reserved {@code $state} record (name,
 * description, state, last online, the desired values last taken from the Device spec) and one entry per
 * property twin. Immutable; never modify the twins it holds.
 */
record DeviceSnapshot(String deviceId, String name, String description, String state, String lastOnline,
                      Map<String, String> specDesired, Map<String, Entry> twins) {

    /**
     * Property name of the record that keeps the device's own data. Twin names can never contain
     * {@code $} (see {@link TwinRules}), so it cannot collide with a twin.
     */
    static final String STATE_RECORD = "$state";
    static final String UNKNOWN_STATE = "unknown";

    /** One property: its stored record and the parsed twin. */
    record Entry(TwinRecord record, MsgTwin twin) {
    }

    DeviceSnapshot {
        specDesired = Collections.unmodifiableMap(new LinkedHashMap<>(specDesired));
        twins = Collections.unmodifiableMap(new LinkedHashMap<>(twins));
    }

    /** Rebuilds a device from its stored records ({@code $state} plus twins). */
    static DeviceSnapshot fromStore(String deviceId, Map<String, TwinRecord> records) {
        Map<String, Entry> twins = new LinkedHashMap<>();
        JsonNode state = null;
        for (Map.Entry<String, TwinRecord> record : records.entrySet()) {
            if (STATE_RECORD.equals(record.getKey())) {
                state = record.getValue().twin();
            } else {
                twins.put(record.getKey(), new Entry(record.getValue(), MsgTwin.fromStored(record.getValue().twin())));
            }
        }
        String defaultName = deviceId.substring(deviceId.indexOf('/') + 1);
        Map<String, String> specDesired = new LinkedHashMap<>();
        if (state == null) {
            return new DeviceSnapshot(deviceId, defaultName, "", UNKNOWN_STATE, "", specDesired, twins);
        }
        JsonNode desired = state.path("spec_desired");
        Iterator<Map.Entry<String, JsonNode>> fields = desired.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            specDesired.put(field.getKey(), field.getValue().asText(""));
        }
        return new DeviceSnapshot(deviceId, state.path("name").asText(defaultName),
                state.path("description").asText(""), state.path("state").asText(UNKNOWN_STATE),
                state.path("last_online").asText(""), specDesired, twins);
    }

    static ObjectNode stateDocument(String name, String description, String state, String lastOnline,
                                    Map<String, String> specDesired) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name);
        node.put("description", description == null ? "" : description);
        node.put("state", state);
        node.put("last_online", lastOnline == null ? "" : lastOnline);
        ObjectNode desired = node.putObject("spec_desired");
        specDesired.forEach(desired::put);
        return node;
    }

    Map<String, MsgTwin> parsedTwins() {
        Map<String, MsgTwin> parsed = new LinkedHashMap<>();
        twins.forEach((property, entry) -> parsed.put(property, entry.twin()));
        return parsed;
    }

    long version(String property) {
        Entry entry = twins.get(property);
        return entry == null ? 0 : entry.record().version();
    }

    DeviceTwin toDeviceTwin() {
        Map<String, TwinRecord> records = new LinkedHashMap<>();
        twins.forEach((property, entry) -> records.put(property, entry.record()));
        return new DeviceTwin(deviceId, state, lastOnlineInstant(), records);
    }

    Instant lastOnlineInstant() {
        if (lastOnline == null || lastOnline.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(lastOnline);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    Messages.Member member() {
        return new Messages.Member(deviceId, name, description, state, lastOnline);
    }
}
