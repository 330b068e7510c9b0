package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.edge.stream.internal.NodeUsageReader.NodeUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.MemoryUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's CPU and memory from /proc files written by the test. */
class NodeUsageReaderTest {

    private static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-12-06T02:30:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path proc;

    private final StepClock clock = new StepClock();
    private NodeUsageReader reader;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(proc.resolve("meminfo"), """
                MemTotal:        2000000 kB
                MemFree:          500000 kB
                MemAvailable:    1500000 kB
                """);
        stat(1000, 0, 500, 100, 0);
        reader = new NodeUsageReader(proc, clock);
    }

    private void stat(long user, long nice, long system, long irq, long softirq) throws IOException {
        Files.writeString(proc.resolve("stat"), "cpu  %d %d %d 50000 400 %d %d 300 20 0\nbtime 1796000000\n"
                .formatted(user, nice, system, irq, softirq));
    }

    @Test
    void cpuTimeCountsBusyTicksOnly() throws IOException {
        NodeUsage usage = reader.read();
        // 1000 + 0 + 500 + 100 + 0 ticks of 10 ms; idle, iowait, steal and guest are not counted
        assertThat(usage.cpu().coreNanoSeconds()).isEqualTo(16_000_000_000L);
        assertThat(usage.cpu().time()).isEqualTo(clock.now);
        assertThat(usage.cpu().nanoCores()).isEqualTo(CpuUsage.UNKNOWN);
        assertThat(usage.booted()).isEqualTo(Instant.ofEpochSecond(1796000000));
        MemoryUsage memory = usage.memory();
        assertThat(memory.workingSetBytes()).isEqualTo(500_000L * 1024);
        assertThat(memory.usageBytes()).isEqualTo(1_500_000L * 1024);
        assertThat(memory.availableBytes()).isEqualTo(1_500_000L * 1024);
        assertThat(memory.rssBytes()).isEqualTo(MemoryUsage.UNKNOWN);
    }

    @Test
    void theRateIsMeasuredBetweenReadings() throws IOException {
        reader.read();
        clock.now = clock.now.plusSeconds(10);
        stat(1300, 0, 600, 100, 100); // 500 ticks = 5 s of CPU in 10 s
        assertThat(reader.read().cpu().nanoCores()).isEqualTo(500_000_000L);

        clock.now = clock.now.plusMillis(300); // too close to the last reading for a rate
        stat(1400, 0, 600, 100, 100);
        assertThat(reader.read().cpu().nanoCores()).isEqualTo(CpuUsage.UNKNOWN);

        clock.now = clock.now.plus(Duration.ofMinutes(11)); // too long since the last reading to be recent
        assertThat(reader.read().cpu().nanoCores()).isEqualTo(CpuUsage.UNKNOWN);

        clock.now = clock.now.plusSeconds(4);
        stat(1500, 0, 600, 100, 100); // 100 ticks = 1 s of CPU in 4 s
        assertThat(reader.read().cpu().nanoCores()).isEqualTo(250_000_000L);
    }

    @Test
    void filesWithoutTheExpectedLinesAreErrors() throws IOException {
        Files.writeString(proc.resolve("stat"), "intr 1 2\n");
        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("no cpu line");
        stat(1, 1, 1, 1, 1);
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 10 kB\nMemFree: 5 kB\n");
        assertThatThrownBy(reader::read).isInstanceOf(IOException.class).hasMessageContaining("MemAvailable");
    }
}
