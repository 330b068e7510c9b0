package io.karedge.twin.internal;

import io.karedge.api.twin.TwinOrigin;

/** A Device left this node: its records are deleted and {@code membership/updated} is published. */
final class RemovalJob extends Job {

    RemovalJob(String deviceId) {
        super(deviceId, TwinOrigin.CLOUD);
    }

    @Override
    boolean alone() {
        return true;
    }

    @Override
    String describe() {
        return "membership remove";
    }

    @Override
    Outcome apply(Working.Tx tx, EngineContext context) {
        throw new UnsupportedOperationException("a removal is committed by the device worker itself");
    }
}
