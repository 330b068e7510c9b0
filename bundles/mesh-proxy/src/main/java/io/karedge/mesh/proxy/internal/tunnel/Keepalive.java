package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The liveness of one tunnel connection: a PING every {@code pingMillis} once HELLOs were exchanged, the last
 * round trip from its PONG, and the connection's end when nothing at all arrived for {@code idleMillis}. The
 * idle check is due exactly {@code idleMillis} after the last frame, not at the next PING: a peer that lost
 * power is left within the idle limit, not up to a PING interval later. Every method runs on the connection's
 * event loop, except {@link #rttNanos()}.
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
    private ScheduledFuture<?> idleCheck;
    private EventExecutor loop;
    /** the event loop's clock, which its scheduled tasks follow */
    private Ticker clock = Ticker.systemTicker();
    private boolean stopped;

    Keepalive(Connection connection, TunnelLimits limits) {
        this.connection = connection;
        this.pingMillis = limits.pingMillis();
        this.idleMillis = limits.idleMillis();
    }

    void start(EventExecutor executor) {
        loop = executor;
        if (executor instanceof AbstractScheduledEventExecutor scheduling) {
            clock = scheduling.ticker();
        }
        lastReceivedNanos = clock.nanoTime();
        timer = loop.scheduleAtFixedRate(this::tick, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        checkIdleIn(idleMillis);
    }

    /** A frame arrived. */
    void received() {
        lastReceivedNanos = clock.nanoTime();
    }

    /** A PONG arrived for the PING sent at {@code stamp}. */
    void pong(long stamp) {
        long rtt = clock.nanoTime() - stamp;
        if (rtt >= 0) {
            rttNanos = rtt;
        }
    }

    /** @return the last PING round trip in nanoseconds, -1 before the first PONG */
    long rttNanos() {
        return rttNanos;
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
    }

    private void tick() {
        if (connection.helloReceived()) {
            connection.ping(clock.nanoTime());
        }
    }

    /** Due when the idle limit would pass if nothing arrived since the last check was set. */
    private void checkIdle() {
        if (stopped) {
            return;
        }
        long silent = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - lastReceivedNanos);
        // before HELLO only the handshake deadline applies: TLS handshake records are not frames, so a
        // handshake slower than the idle limit (a loaded host) would otherwise be cut in the middle, and the
        // peer would see a plaintext alert where it expects a sealed record ("Insufficient buffer remaining
        // for AEAD cipher fragment")
        if (!connection.helloReceived()) {
            checkIdleIn(idleMillis);
        } else if (silent >= idleMillis) {
            connection.silent(silent);
        } else {
            checkIdleIn(idleMillis - silent);
        }
    }

    private void checkIdleIn(long millis) {
        idleCheck = loop.schedule(this::checkIdle, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }
}
