package io.karedge.twin.internal;

import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@link io.karedge.api.twin.TwinEngine#setDesired}: sets the expected value of one property, optionally
 * only at a given store version. An edge write bumps {@code expected_version.edge} and is reported to
 * the cloud; a write with origin {@link TwinOrigin#CLOUD} bumps {@code expected_version.cloud} and is not.
 */
final class DesiredJob extends Job {

    private final String property;
    private final String value;
    private final long expectedVersion;

    DesiredJob(String deviceId, String property, String value, long expectedVersion, TwinOrigin origin) {
        super(deviceId, origin);
        this.property = property;
        this.value = value == null ? "" : value;
        this.expectedVersion = expectedVersion;
    }

    @Override
    Set<String> conditions() {
        return expectedVersion == TwinStore.ANY_VERSION ? Set.of() : Set.of(property);
    }

    @Override
    boolean counted() {
        return true;
    }

    @Override
    String describe() {
        return "setDesired " + property;
    }

    @Override
    Outcome apply(Working.Tx tx, EngineContext context) throws Rejection {
        if (!tx.member()) {
            throw notFound(deviceId, "setting a desired value");
        }
        if (!TwinRules.validName(property)) {
            throw Rejection.badRequest("the twin name " + Logs.clip(property) + " is not valid");
        }
        if (expectedVersion < TwinStore.ANY_VERSION) {
            throw Rejection.badRequest("expected version " + expectedVersion + " is not -1, 0 or a version");
        }
        long current = tx.version(property);
        if (expectedVersion != TwinStore.ANY_VERSION) {
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
        long now = context.now();
        MsgTwin updated = twin == null ? new MsgTwin() : twin.copy();
        if (fresh) {
            updated.metadata = updated.metadata.objectNode();
            updated.type(type);
        }
        updated.expected = new MsgTwin.Part(value, now);
        MsgTwin.Vector vector = updated.expectedVersion == null ? MsgTwin.Vector.ZERO : updated.expectedVersion;
        boolean cloud = origin == TwinOrigin.CLOUD;
        updated.expectedVersion = cloud ? vector.bumpCloud() : vector.bumpEdge();
        tx.put(property, updated, !cloud);
        Map<String, MsgTwin> result = new LinkedHashMap<>();
        result.put(property, updated);
        Outcome outcome = Outcome.ok(Messages.updateResult("", now, result));
        outcome.versionProperty = property;
        publishTwinChanges(outcome, tx, Messages.newEventId(), context, now);
        return outcome;
    }
}
