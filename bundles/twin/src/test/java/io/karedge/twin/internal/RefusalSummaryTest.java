package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalSummaryTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final RefusalSummary summary = new RefusalSummary(60, TimeUnit.SECONDS, nanos::get);

    @Test
    void theFirstRefusalIsSummarizedAtOnceAndTheNextOnesOncePerInterval() {
        assertThat(summary.refused("a")).hasValueSatisfying(line -> assertThat(line)
                .startsWith("1 twin request(s) refused, latest: a"));

        for (int i = 0; i < 1_000; i++) {
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(summary.refused("b" + i)).isEmpty();
        }
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(10));
        Optional<String> next = summary.refused("c");

        assertThat(next).hasValueSatisfying(line -> assertThat(line)
                .startsWith("1001 twin request(s) refused in the last 60 s, latest: c"));
        assertThat(summary.refused("d")).isEmpty();
    }

    @Test
    void aQuietNodeSummarizesTheNextRefusalAgain() {
        summary.refused("a");
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(30));

        assertThat(summary.refused("b")).hasValueSatisfying(line -> assertThat(line)
                .startsWith("1 twin request(s) refused in the last 1800 s, latest: b"));
    }
}
