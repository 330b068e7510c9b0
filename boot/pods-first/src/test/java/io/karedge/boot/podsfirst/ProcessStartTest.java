package io.karedge.boot.podsfirst;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProcessStartTest {

    @Test
    void startIsTheJvmsStartToWithinAFractionOfASecond() {
        Instant start = ProcessStart.instant();
        Instant jvm = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        // the JVM starts right after the process (the test's JVM is not started through scripts)
        assertThat(Duration.between(start, jvm).abs()).isLessThan(Duration.ofMillis(300));
        assertThat(start).isBefore(Instant.now());
    }
}
