package io.karedge.device.manager.internal;

import io.karedge.api.metrics.LatencyHistogram;
import io.karedge.device.manager.DriverCallStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations and failures of driver calls per protocol and operation: a map lookup, a histogram record and,
 * for a failure, one increment per call. Kept for as long as the manager runs (a protocol's entry stays
 * after its last driver left, so its counters never go back).
 */
final class DriverCallTimes {

    private record Key(String protocol, String operation) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byProtocol = protocol.compareTo(other.protocol);
            return byProtocol != 0 ? byProtocol : operation.compareTo(other.operation);
        }
    }

    private static final class Calls {
        final LatencyHistogram durations = new LatencyHistogram();
        final LongAdder failures = new LongAdder();
    }

    private final Map<Key, Calls> calls = new ConcurrentSkipListMap<>();
    private final Map<String, Calls> reads = new ConcurrentHashMap<>();
    private final Map<String, Calls> writes = new ConcurrentHashMap<>();

    /**
     * @param operation  {@link DriverCallStatistics#READ} or {@link DriverCallStatistics#WRITE}
     * @param startNanos when the call began ({@link System#nanoTime()})
     */
    void record(String protocol, String operation, long startNanos, boolean failed) {
        long nanos = System.nanoTime() - startNanos;
        Map<String, Calls> byProtocol = DriverCallStatistics.WRITE.equals(operation) ? writes : reads;
        Calls entry = byProtocol.computeIfAbsent(protocol,
                p -> calls.computeIfAbsent(new Key(p, operation), k -> new Calls()));
        entry.durations.record(nanos);
        if (failed) {
            entry.failures.increment();
        }
    }

    List<DriverCallStatistics> snapshot() {
        List<DriverCallStatistics> result = new ArrayList<>();
        calls.forEach((key, entry) -> result.add(new DriverCallStatistics(key.protocol(), key.operation(),
                entry.failures.sum(), entry.durations.snapshot())));
        return result;
    }
}
