package io.karedge.twin.internal;

import io.karedge.api.metrics.HistogramSnapshot;
import io.karedge.api.metrics.LatencyHistogram;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinStatistics;
import io.karedge.api.twin.TwinUpdateResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Update requests by origin and result, and the time the applied ones took to be stored: one
 * {@link LongAdder} increment per answer, one histogram record per stored request.
 */
final class TwinCounters {

    private static final TwinOrigin[] ORIGINS = TwinOrigin.values();
    private static final TwinUpdateResult[] RESULTS = TwinUpdateResult.values();

    private final LongAdder[][] updates = new LongAdder[ORIGINS.length][RESULTS.length];
    private final LatencyHistogram[] writeDurations = new LatencyHistogram[ORIGINS.length];

    TwinCounters() {
        for (TwinOrigin origin : ORIGINS) {
            for (TwinUpdateResult result : RESULTS) {
                updates[origin.ordinal()][result.ordinal()] = new LongAdder();
            }
            writeDurations[origin.ordinal()] = new LatencyHistogram();
        }
    }

    void answered(TwinOrigin origin, TwinUpdateResult result) {
        updates[origin.ordinal()][result.ordinal()].increment();
    }

    /** @param startNanos when the request reached the engine ({@link System#nanoTime()}) */
    void stored(TwinOrigin origin, long startNanos) {
        writeDurations[origin.ordinal()].recordSince(startNanos);
    }

    TwinStatistics snapshot() {
        Map<TwinOrigin, Map<TwinUpdateResult, Long>> counts = new EnumMap<>(TwinOrigin.class);
        Map<TwinOrigin, HistogramSnapshot> durations = new EnumMap<>(TwinOrigin.class);
        for (TwinOrigin origin : ORIGINS) {
            Map<TwinUpdateResult, Long> byResult = new EnumMap<>(TwinUpdateResult.class);
            for (TwinUpdateResult result : RESULTS) {
                byResult.put(result, updates[origin.ordinal()][result.ordinal()].sum());
            }
            counts.put(origin, byResult);
            durations.put(origin, writeDurations[origin.ordinal()].snapshot());
        }
        return new TwinStatistics(counts, durations);
    }
}
