package io.karedge.dmi;

/** How the edge node last got on with a registered mapper. */
public enum MapperState {

    /** registered (or loaded from disk after a restart); no call to its socket has completed yet */
    CONNECTING,

    /** the last call to the mapper's socket was answered (any gRPC answer, errors included) */
    REACHABLE,

    /** the mapper's socket could not be reached or did not answer in time; calls are retried with back-off */
    UNREACHABLE;

    /** @return whether a mapper in this state claims the devices of its protocol */
    public boolean claims() {
        return this != UNREACHABLE;
    }
}
