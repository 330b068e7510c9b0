package io.karedge.dmi.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket shared by all DMI requests from mappers: {@code perSecond} tokens are added per second
 * up to {@code burst}. A rate of 0 or less disables limiting.
 */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, int burst, LongSupplier nanoClock) {
        this.perNano = perSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.nanoClock = nanoClock;
        this.tokens = this.burst;
        this.last = nanoClock.getAsLong();
    }

    /** @return whether a request may proceed now (and takes a token if so) */
    synchronized boolean tryAcquire() {
        if (perNano <= 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
