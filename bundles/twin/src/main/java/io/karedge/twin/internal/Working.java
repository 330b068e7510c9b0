package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinWrite;
import io.karedge.api.uplink.UplinkMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory state of one device while a batch of its requests is applied: starts from the committed
 * {@link DeviceSnapshot}, collects the combined effect of the batch (documents to write, conditions,
 * cloud reports) and turns it into one {@link TwinWrite}. Each request works in a {@link Tx} that is
 * merged only if the request succeeds, so a refused request leaves no trace. Used by one thread.
 */
final class Working {

    final String deviceId;
    private final DeviceSnapshot base;
    private boolean member;
    private String name;
    private String description;
    private String state;
    private String lastOnline;
    private final Map<String, String> specDesired;
    private final Map<String, MsgTwin> twins;
    private final Set<String> dirty = new LinkedHashSet<>();
    private boolean stateDirty;
    private final Map<String, Long> expectedVersions = new LinkedHashMap<>();
    private final Set<String> uplinkTwins = new LinkedHashSet<>();
    private ObjectNode uplinkState;
    /** twins that exist and are not deleted, kept up to date so that no request counts them */
    private int live;

    Working(String deviceId, DeviceSnapshot base) {
        this.deviceId = deviceId;
        this.base = base;
        this.member = base != null;
        this.name = base == null ? deviceId.substring(deviceId.indexOf('/') + 1) : base.name();
        this.description = base == null ? "" : base.description();
        this.state = base == null ? DeviceSnapshot.UNKNOWN_STATE : base.state();
        this.lastOnline = base == null ? "" : base.lastOnline();
        this.specDesired = base == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base.specDesired());
        this.twins = base == null ? new LinkedHashMap<>() : base.parsedTwins();
        for (MsgTwin twin : twins.values()) {
            if (isLive(twin)) {
                live++;
            }
        }
    }

    private static boolean isLive(MsgTwin twin) {
        return twin != null && !twin.deleted();
    }

    Tx begin() {
        return new Tx();
    }

    Set<String> dirty() {
        return dirty;
    }

    Set<String> conditioned() {
        return expectedVersions.keySet();
    }

    boolean member() {
        return member;
    }

    /** @return the combined write of the batch, empty if it changed nothing */
    TwinWrite toWrite(long timestamp) {
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        for (String property : dirty) {
            documents.put(property, twins.get(property).toStored());
        }
        if (stateDirty && member) {
            documents.put(DeviceSnapshot.STATE_RECORD,
                    DeviceSnapshot.stateDocument(name, description, state, lastOnline, specDesired));
        }
        List<UplinkMessage> uplink = new ArrayList<>();
        for (String property : uplinkTwins) {
            uplink.add(Messages.edgeUpdated(deviceId, property, twins.get(property), timestamp));
        }
        if (uplinkState != null) {
            uplink.add(Messages.stateReport(deviceId, uplinkState));
        }
        return new TwinWrite(deviceId, documents, expectedVersions, uplink);
    }

    static boolean isEmpty(TwinWrite write) {
        return write.twins().isEmpty() && write.uplink().isEmpty();
    }

    /** @return the committed state after {@code records} were stored, or null if the device is no member */
    DeviceSnapshot after(Map<String, TwinRecord> records) {
        if (!member) {
            return null;
        }
        Map<String, DeviceSnapshot.Entry> entries = new LinkedHashMap<>();
        if (base != null) {
            entries.putAll(base.twins());
        }
        for (String property : dirty) {
            TwinRecord record = records.get(property);
            if (record != null) {
                entries.put(property, new DeviceSnapshot.Entry(record, twins.get(property)));
            }
        }
        return new DeviceSnapshot(deviceId, name, description, state, lastOnline, specDesired, entries);
    }

    /** The work of one request: reads see the batch so far plus this request's own changes. */
    final class Tx {

        private final Map<String, MsgTwin> changed = new LinkedHashMap<>();
        private final Map<String, MsgTwin> lasts = new LinkedHashMap<>();
        private final Map<String, Long> conditions = new LinkedHashMap<>();
        private final Set<String> uplink = new LinkedHashSet<>();
        private final Map<String, String> desired = new LinkedHashMap<>();
        private boolean memberChanged;
        private String newName;
        private String newDescription;
        private String newState;
        private String newLastOnline;
        private ObjectNode stateReport;
        private int added;
        private int removed;

        String deviceId() {
            return deviceId;
        }

        boolean member() {
            return memberChanged || Working.this.member;
        }

        String name() {
            return newName != null ? newName : name;
        }

        String description() {
            return newDescription != null ? newDescription : description;
        }

        /** @return the current twin (never modify it; copy it), or null if the device has none by that name */
        MsgTwin twin(String property) {
            MsgTwin own = changed.get(property);
            return own != null ? own : twins.get(property);
        }

        /** @return the property's committed store version, 0 if it has never been stored */
        long version(String property) {
            return base == null ? 0 : base.version(property);
        }

        /** @return every twin as this request sees it, in name order of first appearance */
        Map<String, MsgTwin> all() {
            if (changed.isEmpty()) {
                return Collections.unmodifiableMap(twins);
            }
            Map<String, MsgTwin> view = new LinkedHashMap<>(twins);
            view.putAll(changed);
            return view;
        }

        /** @return twins that exist and are not deleted, as this request sees them */
        int liveTwins() {
            return live + added - removed;
        }

        /** @return how many twins this request brought to life (net of those it deleted) */
        int added() {
            return added - removed;
        }

        /** Sets a twin; the first call per property remembers the previous one for the document. */
        void put(String property, MsgTwin twin, boolean reportToCloud) {
            boolean wasLive = isLive(twin(property));
            if (wasLive != isLive(twin)) {
                if (wasLive) {
                    removed++;
                } else {
                    added++;
                }
            }
            if (!changed.containsKey(property)) {
                lasts.put(property, twins.get(property));
            }
            changed.put(property, twin);
            if (reportToCloud) {
                uplink.add(property);
            }
        }

        /** Sends the property's (final) twin to the cloud without changing it. */
        void resend(String property) {
            uplink.add(property);
        }

        void require(String property, long version) {
            conditions.put(property, version);
        }

        void member(String name, String description) {
            memberChanged = true;
            newName = name;
            newDescription = description;
        }

        String specDesired(String property) {
            return desired.containsKey(property) ? desired.get(property) : specDesired.get(property);
        }

        void specDesired(String property, String value) {
            desired.put(property, value);
        }

        void state(String state, String lastOnline, ObjectNode report) {
            newState = state;
            newLastOnline = lastOnline;
            stateReport = report;
        }

        /** @return changed twins in order, each with its value before this request (null: did not exist) */
        Map<String, Messages.DocumentEntry> documentEntries() {
            Map<String, Messages.DocumentEntry> entries = new LinkedHashMap<>();
            changed.forEach((property, twin) -> entries.put(property, new Messages.DocumentEntry(
                    lasts.get(property), twin)));
            return entries;
        }

        Map<String, MsgTwin> changed() {
            return changed;
        }

        void commit() {
            live += added - removed;
            for (Map.Entry<String, MsgTwin> entry : changed.entrySet()) {
                twins.put(entry.getKey(), entry.getValue());
                dirty.add(entry.getKey());
            }
            conditions.forEach(expectedVersions::putIfAbsent);
            uplinkTwins.addAll(uplink);
            if (memberChanged) {
                member = true;
                name = newName;
                description = newDescription;
                stateDirty = true;
            }
            if (!desired.isEmpty()) {
                specDesired.putAll(desired);
                stateDirty = true;
            }
            if (newState != null) {
                state = newState;
                lastOnline = newLastOnline;
                uplinkState = stateReport;
                stateDirty = true;
            }
        }
    }
}
