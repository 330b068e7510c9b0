package io.karedge.twin.internal;

import io.karedge.api.twin.TwinDesiredReply;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link io.karedge.api.twin.TwinEngine#setDesired}: sets the expected values of one or more properties of
 * a device in one step, each optionally only at a given store version. An edge write bumps
 * {@code expected_version.edge} and is reported to the cloud; a write with origin {@link TwinOrigin#CLOUD}
 * bumps {@code expected_version.cloud} and is not. One job makes one result, one document and one delta
 * however many values it carries, so its cost grows with the values, not once per value with the device.
 */
final class DesiredJob extends Job {

    private final Map<String, String> values;
    private final Map<String, Long> expectedVersions;
    /** the property refused, set on the worker before the reply completes */
    private volatile String refused;
    /** store versions after the write, filled on the worker before the reply completes */
    private final Map<String, Long> written = Collections.synchronizedMap(new LinkedHashMap<>());

    DesiredJob(String deviceId, Map<String, String> values, Map<String, Long> expectedVersions, TwinOrigin origin) {
        super(deviceId, origin);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no desired value given");
        }
        this.values = new LinkedHashMap<>();
        values.forEach((property, value) -> this.values.put(property, value == null ? "" : value));
        this.expectedVersions = new LinkedHashMap<>(expectedVersions);
        this.expectedVersions.keySet().retainAll(this.values.keySet());
        this.expectedVersions.values().removeIf(version -> version == TwinStore.ANY_VERSION);
    }

    @Override
    Set<String> conditions() {
        return expectedVersions.keySet();
    }

    @Override
    boolean counted() {
        return true;
    }

    @Override
    String describe() {
        return values.size() == 1 ? "setDesired " + values.keySet().iterator().next()
                : "setDesired of " + values.size() + " properties";
    }

    @Override
    Outcome apply(Working.Tx tx, EngineContext context) throws Rejection {
        if (!tx.member()) {
            throw notFound(deviceId, "setting a desired value");
        }
        long now = context.now();
        boolean cloud = origin == TwinOrigin.CLOUD;
        Map<String, MsgTwin> result = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            refused = entry.getKey();
            result.put(entry.getKey(), setOne(tx, context, entry.getKey(), entry.getValue(), cloud, now));
        }
        refused = null;
        if (!cloud) {
            checkPropertyCount(tx, context);
        }
        Outcome outcome = Outcome.ok(Messages.updateResult("", now, result));
        outcome.versionProperties = new ArrayList<>(values.keySet());
        publishTwinChanges(outcome, tx, Messages.newEventId(), context, now);
        return outcome;
    }

    private MsgTwin setOne(Working.Tx tx, EngineContext context, String property, String value, boolean cloud,
                           long now) throws Rejection {
        if (!TwinRules.validName(property)) {
            throw Rejection.badRequest("the twin name " + Logs.clip(property) + " is not valid");
        }
        Long expectedVersion = expectedVersions.get(property);
        if (expectedVersion != null && expectedVersion < 0) {
            throw Rejection.badRequest("expected version " + expectedVersion + " is not -1, 0 or a version");
        }
        if (expectedVersion != null) {
            long current = tx.version(property);
            if (current != expectedVersion) {
                throw new Rejection(409, "twin " + deviceId + "/" + property + " is at version " + current
                        + ", not " + expectedVersion, current);
            }
            tx.require(property, expectedVersion);
        }
        MsgTwin twin = tx.twin(property);
        boolean fresh = twin == null || twin.deleted();
        String type = fresh ? TwinRules.TYPE_STRING : twin.type();
        String problem = TwinRules.checkValue(type, value);
        if (problem != null) {
            throw Rejection.badRequest(problem);
        }
        context.checkDesired(deviceId, property, value);
        MsgTwin updated = twin == null ? new MsgTwin() : twin.copy();
        if (fresh) {
            updated.metadata = updated.metadata.objectNode();
            updated.type(type);
        }
        updated.expected = new MsgTwin.Part(value, now);
        MsgTwin.Vector vector = updated.expectedVersion == null ? MsgTwin.Vector.ZERO : updated.expectedVersion;
        updated.expectedVersion = cloud ? vector.bumpCloud() : vector.bumpEdge();
        tx.put(property, updated, !cloud);
        return updated;
    }

    /** Called on the worker once the write is stored. */
    void written(String property, long version) {
        written.put(property, version);
    }

    /** The reply of {@link io.karedge.api.twin.TwinEngine#setDesired(String, Map, Map, TwinOrigin)}. */
    TwinDesiredReply reply(TwinReply reply) {
        if (reply.ok()) {
            synchronized (written) {
                return new TwinDesiredReply(200, null, null, written);
            }
        }
        String property = refused;
        Map<String, Long> versions = reply.code() == 409 && property != null ? Map.of(property, reply.version())
                : Map.of();
        return new TwinDesiredReply(reply.code(), reply.reason(), property, versions);
    }

    List<String> properties() {
        return new ArrayList<>(values.keySet());
    }
}
