package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The liveness of one tunnel connection: a PING every {@code pingMillis} once HELLOs were exchanged, the last
 * round trip from its PONG, and the connection's end when nothing at all arrived for {@code idleMillis}.
 * Every method runs on the connection's event loop, except {@link #rttNanos()}.
 */
final class Keepalive {

    /** What the keepalive does to its connection. */
    interface Connection {

        /** @return whether the peer's HELLO arrived (before it only the handshake deadline applies) */
        boolean helloReceived();

        /** Sends a PING carrying {@code stamp}. */
        void ping(long stamp);

        /** Nothing arrived for {@code silentMillis}: the connection is closed. */
        void silent(long silentMillis);
    }

    private final Connection connection;
    private final long pingMillis;
    private final long idleMillis;
    private long lastReceivedNanos;
    private volatile long rttNanos = -1;
    private ScheduledFuture<?> timer;

    Keepalive(Connection connection, TunnelLimits limits) {
        this.connection = connection;
        this.pingMillis = limits.pingMillis();
        this.idleMillis = limits.idleMillis();
    }

    void start(EventExecutor loop) {
        lastReceivedNanos = System.nanoTime();
        timer = loop.scheduleAtFixedRate(this::tick, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
    }

    /** A frame arrived. */
    void received() {
        lastReceivedNanos = System.nanoTime();
    }

    /** A PONG arrived for the PING sent at {@code stamp}. */
    void pong(long stamp) {
        long rtt = System.nanoTime() - stamp;
        if (rtt >= 0) {
            rttNanos = rtt;
        }
    }

    /** @return the last PING round trip in nanoseconds, -1 before the first PONG */
    long rttNanos() {
        return rttNanos;
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void tick() {
        long silent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReceivedNanos);
        // before HELLO only the handshake deadline applies: TLS handshake records are not frames, so a
        // handshake slower than the idle limit (a loaded host) would otherwise be cut in the middle, and the
        // peer would see a plaintext alert where it expects a sealed record ("Insufficient buffer remaining
        // for AEAD cipher fragment")
        if (connection.helloReceived() && silent > idleMillis) {
            connection.silent(silent);
            return;
        }
        if (connection.helloReceived()) {
            connection.ping(System.nanoTime());
        }
    }
}
