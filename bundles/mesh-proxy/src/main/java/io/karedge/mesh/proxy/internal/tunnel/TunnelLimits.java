package io.karedge.mesh.proxy.internal.tunnel;

/**
 * Limits of one tunnel connection.
 *
 * @param maxStreams       streams open or opening at once per connection, each direction counted; an
 *                         OPEN beyond it is refused with OPEN_FAIL
 * @param streamWindow     bytes a stream may have in flight towards its receiver (per-stream credit)
 * @param connectionWindow bytes all streams of a connection together may have in flight (connection credit,
 *                         WINDOW on stream 0): the most a peer can make this node hold
 * @param pingMillis       interval of PINGs (keepalive and RTT)
 * @param idleMillis       a connection that received nothing for this long is closed
 * @param handshakeMillis  TLS handshake plus HELLO exchange must end within this
 * @param connectMillis    longest connect to an endpoint or a peer
 */
public record TunnelLimits(int maxStreams, int streamWindow, int connectionWindow, long pingMillis, long idleMillis,
                           long handshakeMillis, long connectMillis) {

    public static final TunnelLimits DEFAULTS = new TunnelLimits(1024, 1024 * 1024, 16 * 1024 * 1024, 5000, 15000,
            10000, 3000);

    public TunnelLimits {
        maxStreams = Math.max(1, maxStreams);
        streamWindow = Math.max(FrameDecoder.MAX_DATA_PAYLOAD, streamWindow);
        connectionWindow = Math.max(streamWindow, connectionWindow);
        pingMillis = Math.max(50, pingMillis);
        idleMillis = Math.max(3 * pingMillis, idleMillis);
        handshakeMillis = Math.max(100, handshakeMillis);
        connectMillis = Math.max(10, connectMillis);
    }

    TunnelLimits withMaxStreams(int streams) {
        return new TunnelLimits(streams, streamWindow, connectionWindow, pingMillis, idleMillis, handshakeMillis,
                connectMillis);
    }

    public TunnelLimits withPing(long ping, long idle) {
        return new TunnelLimits(maxStreams, streamWindow, connectionWindow, ping, idle, handshakeMillis, connectMillis);
    }

    TunnelLimits withStreamWindow(int window) {
        return new TunnelLimits(maxStreams, window, Math.max(window, connectionWindow), pingMillis, idleMillis,
                handshakeMillis, connectMillis);
    }
}
