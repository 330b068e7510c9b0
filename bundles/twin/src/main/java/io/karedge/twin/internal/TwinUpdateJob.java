package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinRequest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code twin/update} (edge-originated, EdgeCore's "REST" deal) and {@code twin/cloud_updated} (the
 * "SYNC" deal with version vectors), section 2.3 and 2.4 of the protocol reference.
 */
final class TwinUpdateJob extends RequestJob {

    private static final Logger LOG = LoggerFactory.getLogger(TwinUpdateJob.class);

    private final boolean sync;
    private List<IncomingMessage.TwinInput> inputs = List.of();
    private final Map<String, Long> versions = new LinkedHashMap<>();

    TwinUpdateJob(TwinRequest request) {
        super(request);
        this.sync = request.operation() == TwinOperation.TWIN_CLOUD_UPDATED;
    }

    @Override
    void parse(ObjectNode message) throws Rejection {
        inputs = IncomingMessage.twins(message, sync);
        if (!sync) {
            for (IncomingMessage.TwinInput input : inputs) {
                if (input.version() != null) {
                    versions.put(input.name(), input.version());
                }
            }
        }
    }

    @Override
    Set<String> conditions() {
        return versions.keySet();
    }

    @Override
    JsonNode errorResult(int code, String reason, long timestamp) {
        return sync ? null : super.errorResult(code, reason, timestamp);
    }

    @Override
    Outcome apply(Working.Tx tx, EngineContext context) throws Rejection {
        message();
        if (!tx.member()) {
            throw notFound(deviceId, sync ? "syncing twin" : "updating twin");
        }
        long now = context.now();
        for (Map.Entry<String, Long> condition : versions.entrySet()) {
            long current = tx.version(condition.getKey());
            if (current != condition.getValue()) {
                throw new Rejection(409, "twin " + deviceId + "/" + condition.getKey() + " is at version " + current
                        + ", not " + condition.getValue());
            }
            tx.require(condition.getKey(), condition.getValue());
        }
        Map<String, MsgTwin> result = new LinkedHashMap<>();
        Set<String> rejected = new LinkedHashSet<>();
        for (IncomingMessage.TwinInput input : inputs) {
            if (sync) {
                String problem = input.hasExpected() && !input.delete()
                        ? context.models().problem(deviceId, input.name(), input.expectedValue()) : null;
                if (problem != null) {
                    LOG.warn("Cloud sync of device {}: desired value of {} not applied: {}", deviceId,
                            Logs.clip(input.name()), Logs.clip(problem));
                    continue;
                }
                syncOne(tx, input, now, rejected);
            } else {
                if (input.hasExpected() && !input.delete()) {
                    context.checkDesired(deviceId, input.name(), input.expectedValue());
                }
                updateOne(tx, input, now, result);
            }
        }
        if (!sync) {
            checkPropertyCount(tx, context);
        }
        Outcome outcome = Outcome.ok(sync ? null : Messages.updateResult(eventId(), now, result));
        publishTwinChanges(outcome, tx, eventId(), context, now);
        if (!rejected.isEmpty()) {
            rejected.forEach(tx::resend);
            LOG.info("Cloud sync of device {} kept the edge's newer twins {}; they are sent back to the cloud",
                    deviceId, rejected);
        }
        return outcome;
    }

    /** Edge-originated: add, delete or update, {@code edge += 1} for each part written. */
    private static void updateOne(Working.Tx tx, IncomingMessage.TwinInput input, long now,
                                  Map<String, MsgTwin> result) throws Rejection {
        String name = input.name();
        MsgTwin current = tx.twin(name);
        if (input.delete()) {
            if (current == null || current.deleted() || !current.optional) {
                return;
            }
            MsgTwin deleted = current.copy();
            deleted.clearForDelete();
            if (deleted.expectedVersion != null) {
                deleted.expectedVersion = deleted.expectedVersion.bumpEdge();
            }
            if (deleted.actualVersion != null) {
                deleted.actualVersion = deleted.actualVersion.bumpEdge();
            }
            tx.put(name, deleted, true);
            result.put(name, null);
            return;
        }
        if (current == null || current.deleted()) {
            String type = input.type() == null ? TwinRules.TYPE_STRING : input.type();
            MsgTwin added = current == null ? new MsgTwin() : current.copy();
            added.metadata = input.metadata() == null ? added.metadata.objectNode() : input.metadata().deepCopy();
            added.type(type);
            added.optional = input.optional() == null || input.optional();
            if (input.hasExpected()) {
                check(type, input.expectedValue());
                added.expected = new MsgTwin.Part(input.expectedValue(), now);
                added.expectedVersion = orZero(current == null ? null : current.expectedVersion).bumpEdge();
            }
            if (input.hasActual()) {
                check(type, input.actualValue());
                added.actual = new MsgTwin.Part(input.actualValue(), now);
                added.actualVersion = orZero(current == null ? null : current.actualVersion).bumpEdge();
            }
            if (!TwinRules.allowedType(type)) {
                throw Rejection.badRequest("the value type is not allowed");
            }
            tx.put(name, added, true);
            result.put(name, added);
            return;
        }
        MsgTwin updated = current.copy();
        boolean changed = false;
        if (input.hasExpected()) {
            check(current.type(), input.expectedValue());
            updated.expected = new MsgTwin.Part(input.expectedValue(), now);
            updated.expectedVersion = orZero(current.expectedVersion).bumpEdge();
            changed = true;
        }
        if (input.hasActual()) {
            check(current.type(), input.actualValue());
            updated.actual = new MsgTwin.Part(input.actualValue(), now);
            updated.actualVersion = orZero(current.actualVersion).bumpEdge();
            changed = true;
        }
        changed |= mergeOptionalAndMetadata(current, updated, input);
        if (changed) {
            tx.put(name, updated, true);
            result.put(name, updated);
        }
    }

    /** Cloud sync: accepted only with a version vector that is not behind the edge's. */
    private void syncOne(Working.Tx tx, IncomingMessage.TwinInput input, long now, Set<String> rejected) {
        String name = input.name();
        String type = input.type();
        MsgTwin current = tx.twin(name);
        if (TwinRules.TYPE_DELETED.equals(type)) {
            if (current == null || current.deleted()) {
                return;
            }
            // a delete needs no version; one that carries a version must not be behind the edge's
            if ((input.expectedVersion() != null && refuses(current.expectedVersion, input.expectedVersion(), name))
                    || (input.actualVersion() != null && refuses(current.actualVersion, input.actualVersion(), name))) {
                rejected.add(name);
                return;
            }
            MsgTwin deleted = current.copy();
            deleted.clearForDelete();
            deleted.expectedVersion = input.expectedVersion() != null ? input.expectedVersion() : current.expectedVersion;
            deleted.actualVersion = input.actualVersion() != null ? input.actualVersion() : current.actualVersion;
            tx.put(name, deleted, false);
            return;
        }
        if (!TwinRules.allowedType(type)) {
            LOG.debug("Cloud sync of device {}: twin {} skipped, type {} is not allowed", deviceId, name, type);
            return;
        }
        if (current == null || current.deleted()) {
            if ((input.hasExpected() && input.expectedVersion() == null)
                    || (input.hasActual() && input.actualVersion() == null)
                    || invalid(type, input)) {
                LOG.debug("Cloud sync of device {}: new twin {} skipped (no version or a bad value)", deviceId, name);
                return;
            }
            MsgTwin added = current == null ? new MsgTwin() : current.copy();
            added.metadata = input.metadata().deepCopy();
            added.optional = input.optional() == null || input.optional();
            if (input.hasExpected()) {
                added.expected = new MsgTwin.Part(input.expectedValue(), now);
                added.expectedVersion = input.expectedVersion();
            }
            if (input.hasActual()) {
                added.actual = new MsgTwin.Part(input.actualValue(), now);
                added.actualVersion = input.actualVersion();
            }
            tx.put(name, added, false);
            return;
        }
        if (invalid(current.type(), input)) {
            LOG.debug("Cloud sync of device {}: twin {} skipped, a value does not fit type {}", deviceId, name,
                    current.type());
            return;
        }
        MsgTwin updated = current.copy();
        boolean changed = false;
        if (input.hasExpected()) {
            if (refuses(current.expectedVersion, input.expectedVersion(), name)) {
                rejected.add(name);
                return;
            }
            updated.expected = new MsgTwin.Part(input.expectedValue(), now);
            updated.expectedVersion = input.expectedVersion();
            changed = true;
        }
        if (input.hasActual()) {
            if (refuses(current.actualVersion, input.actualVersion(), name)) {
                rejected.add(name);
            } else {
                updated.actual = new MsgTwin.Part(input.actualValue(), now);
                updated.actualVersion = input.actualVersion();
                changed = true;
            }
        }
        changed |= mergeOptionalAndMetadata(current, updated, input);
        if (changed) {
            tx.put(name, updated, false);
        }
    }

    /** Section 2.4: refused without a vector, if the edge's cloud counter is ahead, or its edge counter. */
    private boolean refuses(MsgTwin.Vector local, MsgTwin.Vector incoming, String name) {
        if (incoming == null) {
            LOG.debug("Cloud sync of device {}: twin {} refused, version not allowed be nil while syncing", deviceId,
                    name);
            return true;
        }
        MsgTwin.Vector mine = orZero(local);
        if (mine.cloud() > incoming.cloud()) {
            LOG.debug("Cloud sync of device {}: twin {} refused, version not allowed", deviceId, name);
            return true;
        }
        if (mine.edge() > incoming.edge()) {
            LOG.debug("Cloud sync of device {}: twin {} refused, version conflict", deviceId, name);
            return true;
        }
        return false;
    }

    private static boolean invalid(String type, IncomingMessage.TwinInput input) {
        return (input.hasExpected() && TwinRules.checkType(type, input.expectedValue()) != null)
                || (input.hasActual() && TwinRules.checkType(type, input.actualValue()) != null);
    }

    /** {@code optional} only goes from true to false; other metadata is taken over, the type kept. */
    private static boolean mergeOptionalAndMetadata(MsgTwin current, MsgTwin updated, IncomingMessage.TwinInput input) {
        boolean changed = false;
        if (Boolean.FALSE.equals(input.optional()) && current.optional) {
            updated.optional = false;
            changed = true;
        }
        if (input.metadata() != null) {
            ObjectNode metadata = input.metadata().deepCopy();
            metadata.put("type", current.type());
            if (!metadata.equals(current.metadata)) {
                updated.metadata = metadata;
                changed = true;
            }
        }
        return changed;
    }

    private static void check(String type, String value) throws Rejection {
        String problem = TwinRules.checkType(type, value);
        if (problem != null) {
            throw Rejection.badRequest(problem);
        }
    }

    private static MsgTwin.Vector orZero(MsgTwin.Vector vector) {
        return vector == null ? MsgTwin.Vector.ZERO : vector;
    }
}
