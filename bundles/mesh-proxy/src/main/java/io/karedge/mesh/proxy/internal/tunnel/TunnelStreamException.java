package io.karedge.mesh.proxy.internal.tunnel;

/** A stream could not be opened (OPEN_FAIL, limits, the connection closed); the message says why. */
public final class TunnelStreamException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean refusedByPeer;

    TunnelStreamException(String message) {
        this(message, false);
    }

    TunnelStreamException(String message, boolean refusedByPeer) {
        super(message, null, false, false);
        this.refusedByPeer = refusedByPeer;
    }

    /** @return whether the peer answered the OPEN with OPEN_FAIL (the endpoint is not reachable there) */
    public boolean refusedByPeer() {
        return refusedByPeer;
    }
}
