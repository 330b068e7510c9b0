package io.karedge.twin.internal;

import io.karedge.api.twin.TwinRequest;

/** {@code twin/get}: every non-deleted twin of the device, as the batch so far left it. */
final class GetJob extends RequestJob {

    GetJob(TwinRequest request) {
        super(request);
    }

    /** A read, not an update. */
    @Override
    boolean counted() {
        return false;
    }

    @Override
    Outcome apply(Working.Tx tx, EngineContext context) throws Rejection {
        message();
        if (!tx.member()) {
            throw notFound(deviceId, "getting twin");
        }
        return Outcome.ok(Messages.getResult(eventId(), context.now(), tx.all()));
    }
}
