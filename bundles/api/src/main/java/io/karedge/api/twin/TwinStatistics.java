package io.karedge.api.twin;

import io.karedge.api.metrics.HistogramSnapshot;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the twin engine has done since it started, counted as it answers.
 *
 * @param updates        twin update requests by origin and result; every origin and result is present
 * @param writeDurations per origin, the time from a request reaching the engine to the write that stored it
 *                       returning (the commit is on disk), for requests with result {@link TwinUpdateResult#APPLIED}
 * @since 1.2
 */
public record TwinStatistics(Map<TwinOrigin, Map<TwinUpdateResult, Long>> updates,
                             Map<TwinOrigin, HistogramSnapshot> writeDurations) {

    public TwinStatistics {
        Map<TwinOrigin, Map<TwinUpdateResult, Long>> full = new EnumMap<>(TwinOrigin.class);
        for (TwinOrigin origin : TwinOrigin.values()) {
            Map<TwinUpdateResult, Long> given = updates == null ? null : updates.get(origin);
            Map<TwinUpdateResult, Long> byResult = new EnumMap<>(TwinUpdateResult.class);
            for (TwinUpdateResult result : TwinUpdateResult.values()) {
                byResult.put(result, given == null ? 0L : given.getOrDefault(result, 0L));
            }
            full.put(origin, Collections.unmodifiableMap(byResult));
        }
        updates = Collections.unmodifiableMap(full);
        Map<TwinOrigin, HistogramSnapshot> durations = new EnumMap<>(TwinOrigin.class);
        for (TwinOrigin origin : TwinOrigin.values()) {
            HistogramSnapshot given = writeDurations == null ? null : writeDurations.get(origin);
            durations.put(origin, given == null ? HistogramSnapshot.empty() : given);
        }
        writeDurations = Collections.unmodifiableMap(durations);
    }

    /** Nothing counted (an engine that keeps no statistics). */
    public static TwinStatistics none() {
        return new TwinStatistics(Map.of(), Map.of());
    }

    /** @return how many requests from {@code origin} ended with {@code result} */
    public long count(TwinOrigin origin, TwinUpdateResult result) {
        return updates.get(origin).get(result);
    }
}
