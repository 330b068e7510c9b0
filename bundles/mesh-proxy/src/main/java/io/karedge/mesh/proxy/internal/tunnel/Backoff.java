package io.karedge.mesh.proxy.internal.tunnel;

import java.util.concurrent.ThreadLocalRandom;

/** Reconnect delays: doubling from {@code baseMillis} up to {@code maxMillis}, each with ±20 % jitter. */
final class Backoff {

    private final long baseMillis;
    private final long maxMillis;
    private int failures;

    Backoff(long baseMillis, long maxMillis) {
        this.baseMillis = Math.max(1, baseMillis);
        this.maxMillis = Math.max(this.baseMillis, maxMillis);
    }

    long next() {
        long delay = baseMillis << Math.min(failures, 20);
        failures++;
        delay = Math.min(delay, maxMillis);
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Math.max(1, (long) (delay * jitter));
    }

    void reset() {
        failures = 0;
    }
}
