package io.karedge.twin.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.uplink.UplinkMessage;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The JSON documents of the twin topics (section 3.4 of the protocol reference) and of the cloud reports. */
final class Messages {

    /** Route of every message to the cloud: source {@code twin}, group {@code resource}, operation {@code update}. */
    static final String UPLINK_SOURCE = "twin";
    static final String UPLINK_GROUP = "resource";
    static final String UPLINK_OPERATION = "update";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One member device as it appears in membership messages. */
    record Member(String id, String name, String description, String state, String lastOnline) {
    }

    /** The {@code last} and {@code current} of one changed twin in a document; either may be null. */
    record DocumentEntry(MsgTwin last, MsgTwin current) {
    }

    private Messages() {
    }

    static String newEventId() {
        return UUID.randomUUID().toString();
    }

    static ObjectNode base(String eventId, long timestamp) {
        ObjectNode node = JSON.objectNode();
        node.put("event_id", eventId == null ? "" : eventId);
        node.put("timestamp", timestamp);
        return node;
    }

    static ObjectNode error(String eventId, long timestamp, int code, String reason) {
        ObjectNode node = base(eventId, timestamp);
        node.put("code", code);
        node.put("reason", reason);
        return node;
    }

    /** Update result: the changed twins without version vectors, deleted ones as {@code null}. */
    static ObjectNode updateResult(String eventId, long timestamp, Map<String, MsgTwin> changed) {
        ObjectNode node = base(eventId, timestamp);
        ObjectNode twins = node.putObject("twin");
        changed.forEach((name, twin) -> {
            if (twin == null || twin.deleted()) {
                twins.putNull(name);
            } else {
                twins.set(name, twin.toPublic());
            }
        });
        return node;
    }

    static ObjectNode document(String eventId, long timestamp, Map<String, DocumentEntry> entries) {
        ObjectNode node = base(eventId, timestamp);
        ObjectNode twins = node.putObject("twin");
        entries.forEach((name, entry) -> {
            ObjectNode pair = twins.putObject(name);
            setOrNull(pair, "last", entry.last());
            setOrNull(pair, "current", entry.current());
        });
        return node;
    }

    private static void setOrNull(ObjectNode node, String field, MsgTwin twin) {
        if (twin == null || twin.deleted()) {
            node.putNull(field);
        } else {
            node.set(field, twin.toPublic());
        }
    }

    /**
     * Delta over all twins of a device: every non-deleted twin with a non-empty expected value, and
     * {@code delta} for those whose expected differs from actual.
     *
     * @return the delta document, or null when no expected value is unsatisfied
     */
    static ObjectNode delta(long timestamp, Map<String, MsgTwin> twins) {
        ObjectNode twinNode = JSON.objectNode();
        ObjectNode delta = JSON.objectNode();
        twins.forEach((name, twin) -> {
            if (twin == null || twin.deleted() || twin.expectedValue().isEmpty()) {
                return;
            }
            twinNode.set(name, twin.toPublic());
            if (!twin.expectedValue().equals(twin.actualValue())) {
                delta.put(name, twin.expectedValue());
            }
        });
        if (delta.isEmpty()) {
            return null;
        }
        ObjectNode node = base(newEventId(), timestamp);
        node.set("twin", twinNode);
        node.set("delta", delta);
        return node;
    }

    /** Get result: every non-deleted twin without version vectors. */
    static ObjectNode getResult(String eventId, long timestamp, Map<String, MsgTwin> twins) {
        ObjectNode node = base(eventId, timestamp);
        ObjectNode twinNode = node.putObject("twin");
        twins.forEach((name, twin) -> {
            if (twin != null && !twin.deleted()) {
                twinNode.set(name, twin.toPublic());
            }
        });
        return node;
    }

    /** The state message: published on {@code state/update/result} and, as a string, sent to the cloud. */
    static ObjectNode stateMessage(long timestamp, String name, String state, String lastOnlineTime) {
        ObjectNode node = base(newEventId(), timestamp);
        ObjectNode device = node.putObject("device");
        device.put("name", name);
        device.put("state", state);
        device.put("lastOnlineTime", lastOnlineTime == null ? "" : lastOnlineTime);
        return node;
    }

    static ObjectNode membershipUpdated(long timestamp, List<ObjectNode> added, List<ObjectNode> removed) {
        ObjectNode node = base(newEventId(), timestamp);
        arrayOrNull(node, "added_devices", added);
        arrayOrNull(node, "removed_devices", removed);
        return node;
    }

    private static void arrayOrNull(ObjectNode node, String field, List<ObjectNode> items) {
        if (items == null || items.isEmpty()) {
            node.putNull(field);
        } else {
            ArrayNode array = node.putArray(field);
            items.forEach(array::add);
        }
    }

    /** A device entry of {@code membership/updated}: id, name, description and, if any, its twins. */
    static ObjectNode membershipEntry(String id, String name, String description, Map<String, MsgTwin> twins) {
        ObjectNode node = JSON.objectNode();
        node.put("id", id);
        node.put("name", name);
        node.put("description", description == null ? "" : description);
        if (twins != null && !twins.isEmpty()) {
            ObjectNode twinNode = node.putObject("twin");
            twins.forEach((twinName, twin) -> {
                if (twin == null || twin.deleted()) {
                    twinNode.putNull(twinName);
                } else {
                    twinNode.set(twinName, twin.toPublic());
                }
            });
        }
        return node;
    }

    static ObjectNode membershipGetResult(String eventId, long timestamp, List<Member> members) {
        ObjectNode node = base(eventId, timestamp);
        ArrayNode devices = node.putArray("devices");
        for (Member member : members) {
            ObjectNode device = devices.addObject();
            device.put("id", member.id());
            device.put("name", member.name());
            device.put("description", member.description() == null ? "" : member.description());
            device.put("state", member.state());
            device.put("last_online", member.lastOnline() == null ? "" : member.lastOnline());
        }
        return node;
    }

    /** The cloud report of one property: {@code edge_updated} with the twin and its version vectors. */
    static UplinkMessage edgeUpdated(String deviceId, String property, MsgTwin twin, long timestamp) {
        ObjectNode content = base(newEventId(), timestamp);
        content.putObject("twin").set(property, twin.toStored());
        return new UplinkMessage(UPLINK_SOURCE, UPLINK_GROUP, UPLINK_OPERATION, Topics.edgeUpdatedResource(deviceId),
                content, "twin/" + deviceId + "/" + property);
    }

    /** The cloud report of a device state: the state message as a JSON string, like EdgeCore sends it. */
    static UplinkMessage stateReport(String deviceId, ObjectNode stateMessage) {
        return new UplinkMessage(UPLINK_SOURCE, UPLINK_GROUP, UPLINK_OPERATION, Topics.stateResource(deviceId),
                TextNode.valueOf(text(stateMessage)), "state/" + deviceId);
    }

    static String text(JsonNode node) {
        try {
            return KaredgeJson.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree cannot be written as JSON", e);
        }
    }
}
