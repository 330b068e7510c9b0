package io.karedge.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void durationsLandInTheBucketOfTheirUpperBound() {
        LatencyHistogram histogram = new LatencyHistogram(0.001, 0.01, 0.1);

        histogram.record(500_000);       // 0.5 ms
        histogram.record(1_000_000);     // exactly 1 ms: the 1 ms bucket (le)
        histogram.record(7_000_000);     // 7 ms
        histogram.record(2_000_000_000); // 2 s: above every bound
        histogram.record(-5);            // a clock that stepped back: 0

        HistogramSnapshot snapshot = histogram.snapshot();
        assertThat(snapshot.counts()).containsExactly(3, 1, 0, 1);
        assertThat(snapshot.cumulativeCounts()).containsExactly(3, 4, 4, 5);
        assertThat(snapshot.count()).isEqualTo(5);
        assertThat(snapshot.sumSeconds()).isEqualTo(2.0085);
        assertThat(snapshot.boundsSeconds()).containsExactly(0.001, 0.01, 0.1);
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        LatencyHistogram histogram = new LatencyHistogram();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 10_000; i++) {
                    histogram.record(i * 1_000L);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        HistogramSnapshot snapshot = histogram.snapshot();
        assertThat(snapshot.count()).isEqualTo(40_000);
        // 0 .. 9.999 ms in 1 µs steps, 4 times
        assertThat(snapshot.sumSeconds()).isCloseTo(4 * 9999 * 10_000 / 2 * 1e-6, offset(1e-6));
        assertThat(snapshot.cumulativeCounts()[3]).isEqualTo(4 * 1001); // le 1 ms: 0..1000 µs
    }

    @Test
    void boundsMustAscend() {
        assertThatThrownBy(() -> new LatencyHistogram(0.1, 0.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyHistogram(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> new LatencyHistogram()).doesNotThrowAnyException();
    }
}
