package io.karedge.mesh.proxy.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passive health and connection counts of one endpoint ({@code ip:port}), shared by every listener that
 * balances over it. A failed connect ejects the endpoint for {@code base * 2^(failures-1)}, at most
 * {@code max}; once that time is over it takes connections again, and one successful connect clears it.
 */
final class EndpointHealth {

    private final long baseNanos;
    private final long maxNanos;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();
    private int failures;
    private long ejectedUntil;

    EndpointHealth(long baseMillis, long maxMillis) {
        this.baseNanos = baseMillis * 1_000_000L;
        this.maxNanos = maxMillis * 1_000_000L;
    }

    /** @return whether the endpoint may take a connection at {@code nanoTime} */
    synchronized boolean available(long nanoTime) {
        return failures == 0 || nanoTime - ejectedUntil >= 0;
    }

    synchronized void failed(long nanoTime) {
        failures++;
        int shift = Math.min(failures - 1, 20);
        long delay = baseNanos << shift;
        ejectedUntil = nanoTime + (delay <= 0 || delay > maxNanos ? maxNanos : delay);
    }

    synchronized void succeeded() {
        failures = 0;
        ejectedUntil = 0;
    }

    synchronized int failures() {
        return failures;
    }

    /** @return the nanoTime at which an ejected endpoint is tried again */
    synchronized long ejectedUntil() {
        return ejectedUntil;
    }

    void opened() {
        open.incrementAndGet();
        total.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    int openConnections() {
        return open.get();
    }

    long totalConnections() {
        return total.get();
    }
}
