package io.karedge.dmi.internal;

/** Exponential back-off: initial, doubled after each failure, capped; {@link #reset()} after a success. */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    Backoff(long initialMillis, long maxMillis) {
        this.initialMillis = Math.max(1, initialMillis);
        this.maxMillis = Math.max(this.initialMillis, maxMillis);
        this.nextMillis = this.initialMillis;
    }

    /** @return the delay before the next attempt, and doubles the one after */
    synchronized long next() {
        long current = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return current;
    }

    synchronized void reset() {
        nextMillis = initialMillis;
    }
}
