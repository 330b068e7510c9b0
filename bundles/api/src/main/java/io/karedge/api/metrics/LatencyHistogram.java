package io.karedge.api.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket histogram of durations, safe from any thread and without locks: recording is a binary
 * search over the bucket bounds and two {@link LongAdder} increments; nothing is allocated. Reading takes a
 * {@link HistogramSnapshot} (bucket by bucket, so a snapshot taken while others record may count a
 * duration in the sum and not yet in its bucket, or the other way round; the next one has both).
 *
 * @since 1.0
 */
public final class LatencyHistogram {

    /**
     * Upper bounds in seconds for calls that touch a disk or a device: 100 µs to 10 s, roughly 1-2.5-5 per
     * decade, so a local fsync, a Modbus round trip and a timeout each land in a bucket of their own.
     */
    public static final double[] DEFAULT_BOUNDS_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final double[] boundsSeconds;
    private final long[] boundsNanos;
    /** one more than the bounds: the last one counts what is above the highest bound */
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    /** A histogram with {@link #DEFAULT_BOUNDS_SECONDS}. */
    public LatencyHistogram() {
        this(DEFAULT_BOUNDS_SECONDS);
    }

    /** @param boundsSeconds the buckets' upper bounds in seconds, ascending, positive and finite */
    public LatencyHistogram(double... boundsSeconds) {
        if (boundsSeconds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        this.boundsSeconds = boundsSeconds.clone();
        this.boundsNanos = new long[boundsSeconds.length];
        for (int i = 0; i < boundsSeconds.length; i++) {
            double bound = boundsSeconds[i];
            if (!(bound > 0) || Double.isInfinite(bound) || (i > 0 && bound <= boundsSeconds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must be positive, finite and ascending: "
                        + Arrays.toString(boundsSeconds));
            }
            boundsNanos[i] = Math.round(bound * 1e9);
        }
        this.counts = new LongAdder[boundsSeconds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Records one duration; a negative one (a clock that stepped back) counts as 0. */
    public void record(long nanos) {
        long value = Math.max(0, nanos);
        int index = Arrays.binarySearch(boundsNanos, value);
        // a duration equal to a bound belongs to that bound's bucket (Prometheus' "le")
        counts[index >= 0 ? index : -index - 1].increment();
        sumNanos.add(value);
    }

    /** Records the time since {@code startNanos}, a value of {@link System#nanoTime()}. */
    public void recordSince(long startNanos) {
        record(System.nanoTime() - startNanos);
    }

    /** @return the counts so far */
    public HistogramSnapshot snapshot() {
        long[] each = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            each[i] = counts[i].sum();
        }
        return new HistogramSnapshot(boundsSeconds, each, sumNanos.sum() / 1e9);
    }
}
