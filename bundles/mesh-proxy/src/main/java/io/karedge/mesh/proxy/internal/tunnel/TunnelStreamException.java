package io.karedge.mesh.proxy.internal.tunnel;

/** A stream could not be opened (OPEN_FAIL, limits, the connection closed); the message says why. */
final class TunnelStreamException extends Exception {

    private static final long serialVersionUID = 1L;

    TunnelStreamException(String message) {
        super(message, null, false, false);
    }
}
