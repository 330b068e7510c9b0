package io.karedge.eventbus.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps a flood of equal warnings (a client hammering a bad topic, a stopped engine) from filling the
 * log: at most {@code perSecond} lines per second, and the next line that passes says how many were
 * suppressed.
 */
final class WarnLimiter {

    private final int perSecond;
    private final LongSupplier nanoClock;
    private final AtomicLong window = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    WarnLimiter(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    WarnLimiter(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** @return -1 if this warning must be suppressed, else how many were suppressed before it */
    long tryAcquire() {
        long second = nanoClock.getAsLong() / 1_000_000_000L;
        long seen = window.get();
        if (seen != second && window.compareAndSet(seen, second)) {
            inWindow.set(0);
        }
        if (inWindow.incrementAndGet() > perSecond) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }
}
