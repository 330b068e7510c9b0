package io.karedge.api.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * The counts of a {@link LatencyHistogram} at one moment.
 *
 * @param boundsSeconds the buckets' upper bounds in seconds, ascending (the bucket above the highest bound
 *                      is implied)
 * @param counts        how many durations fell into each bucket, not cumulated: {@code counts[i]} those
 *                      above {@code boundsSeconds[i-1]} and at most {@code boundsSeconds[i]}; one more
 *                      entry than the bounds, the last for durations above the highest bound
 * @param sumSeconds    the sum of every recorded duration, in seconds
 * @since 1.0
 */
public record HistogramSnapshot(double[] boundsSeconds, long[] counts, double sumSeconds) {

    public HistogramSnapshot {
        Objects.requireNonNull(boundsSeconds, "boundsSeconds");
        Objects.requireNonNull(counts, "counts");
        if (counts.length != boundsSeconds.length + 1) {
            throw new IllegalArgumentException("counts needs one entry per bound plus one, not " + counts.length);
        }
        boundsSeconds = boundsSeconds.clone();
        counts = counts.clone();
    }

    /** A snapshot of a histogram nothing was recorded in, with {@link LatencyHistogram#DEFAULT_BOUNDS_SECONDS}. */
    public static HistogramSnapshot empty() {
        return new LatencyHistogram().snapshot();
    }

    @Override
    public double[] boundsSeconds() {
        return boundsSeconds.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** @return how many durations were recorded */
    public long count() {
        long total = 0;
        for (long each : counts) {
            total += each;
        }
        return total;
    }

    /** @return the counts cumulated, as Prometheus' {@code _bucket{le=...}} samples have them (last: all) */
    public long[] cumulativeCounts() {
        long[] cumulative = new long[counts.length];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            total += counts[i];
            cumulative[i] = total;
        }
        return cumulative;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HistogramSnapshot that && Arrays.equals(boundsSeconds, that.boundsSeconds)
                && Arrays.equals(counts, that.counts) && Double.compare(sumSeconds, that.sumSeconds) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(boundsSeconds) + Arrays.hashCode(counts)) + Double.hashCode(sumSeconds);
    }

    @Override
    public String toString() {
        return "HistogramSnapshot[count=" + count() + ", sumSeconds=" + sumSeconds + ", bounds="
                + Arrays.toString(boundsSeconds) + ", counts=" + Arrays.toString(counts) + "]";
    }
}
