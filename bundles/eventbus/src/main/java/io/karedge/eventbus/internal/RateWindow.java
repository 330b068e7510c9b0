package io.karedge.eventbus.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Events per second over a sliding window of one second, kept in ten buckets of 100 ms. Lock-free; a
 * bucket being recycled while another thread counts into it may lose a count, which is fine for a rate.
 */
final class RateWindow {

    private static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 100_000_000L;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray slots = new AtomicLongArray(BUCKETS);
    private final LongSupplier nanoClock;

    RateWindow(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        for (int i = 0; i < BUCKETS; i++) {
            slots.set(i, Long.MIN_VALUE);
        }
    }

    void record() {
        long slot = nanoClock.getAsLong() / BUCKET_NANOS;
        int index = (int) Math.floorMod(slot, (long) BUCKETS);
        long seen = slots.get(index);
        if (seen != slot && slots.compareAndSet(index, seen, slot)) {
            counts.set(index, 0);
        }
        counts.incrementAndGet(index);
    }

    /** @return the events of the last ten buckets (the current one included), i.e. per second */
    double perSecond() {
        long now = nanoClock.getAsLong() / BUCKET_NANOS;
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long slot = slots.get(i);
            if (slot != Long.MIN_VALUE && now - slot < BUCKETS) {
                sum += counts.get(i);
            }
        }
        return sum;
    }
}
