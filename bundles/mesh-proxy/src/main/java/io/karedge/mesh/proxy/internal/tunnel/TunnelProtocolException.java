package io.karedge.mesh.proxy.internal.tunnel;

/** A peer broke the tunnel protocol (malformed frame, a frame out of place, credit exceeded): the connection closes. */
final class TunnelProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TunnelProtocolException(String message) {
        super(message, null, false, false);
    }
}
