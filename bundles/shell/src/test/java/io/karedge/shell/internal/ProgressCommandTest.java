package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgressCommandTest {

    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

    static TaskProgress drain(long done, TaskState state) {
        boolean running = state == TaskState.RUNNING;
        return new TaskProgress("t3", "uplink-drain", "Uplink backlog at reconnect", running ? "sending" : "",
                done, 10_000, "entries", state, running ? "" : "10000 entries delivered", START,
                START.plusSeconds(40), running ? null : START.plusSeconds(100), Duration.ofSeconds(40),
                done * 100.0 / 10_000, 150.0, running ? Duration.ofSeconds(40) : null);
    }

    static TaskProgress join(TaskState state) {
        return new TaskProgress("t1", "join", "join 10.0.0.5:10000 as edge-7", "requesting the edge certificate", 2, 5,
                ProgressTask.STEPS, state, state == TaskState.FAILED ? "HTTP 401 from the certificate service" : "",
                START, START.plusSeconds(3), state == TaskState.RUNNING ? null : START.plusSeconds(3),
                Duration.ofMillis(3200), 40.0, null, null);
    }

    @Test
    void aTableOfTheTasksWithWhatIsKnownOfEach() {
        TaskProgress feature = new TaskProgress("t2", "feature-install", "feature deployment", "", 4, 4,
                ProgressTask.STEPS, TaskState.SUCCEEDED, "installed karedge-protocol-modbus/0.1.0", START,
                START, START, Duration.ofMillis(850), 100.0, null, null);

        String text = ProgressFormatter.tasks(List.of(drain(4_000, TaskState.RUNNING), join(TaskState.FAILED), feature),
                true);

        assertThat(text.lines().toList()).containsExactly(
                "KIND              TITLE                           PHASE                                     DONE/TOTAL           %      RATE    ETA/ELAPSED   STATE",
                "uplink-drain      Uplink backlog at reconnect     sending                                   4000/10000 entries   40%    150/s   eta 40s       RUNNING",
                "join              join 10.0.0.5:10000 as edge-7   HTTP 401 from the certificate service     2/5 steps            40%    -       3s            FAILED",
                "feature-install   feature deployment              installed karedge-protocol-modbus/0.1.0   4/4 steps            100%   -       850ms         SUCCEEDED");
    }

    @Test
    void unknownTotalsAndLongTextsAndNothingToShow() {
        TaskProgress open = new TaskProgress("t9", "work", "t".repeat(80), "p".repeat(100), 7, 0, "items",
                TaskState.RUNNING, "", START, START, null, Duration.ofMinutes(3), null, 2.345, null);
        String row = ProgressFormatter.tasks(List.of(open), false).lines().toList().get(1);
        assertThat(row).contains("t".repeat(39) + "…").contains("p".repeat(59) + "…").contains("7 items")
                .contains("2.3/s").contains("3m").doesNotContain("eta");

        assertThat(ProgressFormatter.tasks(List.of(), false)).isEqualTo("No long work running.\n");
        assertThat(ProgressFormatter.tasks(List.of(), true)).isEqualTo("No long work running or recently finished.\n");
    }

    @Test
    void withoutAllOnlyRunningOnesButAWatchKeepsTheOutcomeOfWhatItFollowed() throws Exception {
        TaskProgress oldOne = new TaskProgress("t0", "join", "an old join", "", 5, 5, ProgressTask.STEPS,
                TaskState.SUCCEEDED, "connected", START, START, START, Duration.ZERO, 100.0, null, null);
        List<List<TaskProgress>> timeline = List.of(
                List.of(drain(1_000, TaskState.RUNNING), oldOne),
                List.of(drain(5_000, TaskState.RUNNING), oldOne),
                List.of(drain(10_000, TaskState.SUCCEEDED), oldOne),
                List.of(drain(10_000, TaskState.SUCCEEDED), oldOne));
        AtomicInteger reads = new AtomicInteger();
        List<String> frames = new ArrayList<>();

        int drawn = ProgressCommand.watch(() -> timeline.get(reads.getAndIncrement()), false, frames::add,
                () -> true, 1);

        assertThat(drawn).as("stops once nothing runs").isEqualTo(3);
        assertThat(frames.get(0)).contains("1000/10000").doesNotContain(ProgressCommand.CLEAR).doesNotContain("an old join");
        assertThat(frames.get(1)).startsWith(ProgressCommand.CLEAR).contains("5000/10000");
        assertThat(frames.get(2)).contains("10000 entries delivered").contains("SUCCEEDED")
                .doesNotContain("an old join");
    }

    @Test
    void aWatchOfNothingRunningDrawsOnceAndCtrlCStopsIt() throws Exception {
        List<String> frames = new ArrayList<>();
        assertThat(ProgressCommand.watch(List::of, false, frames::add, () -> true, 1)).isEqualTo(1);
        assertThat(frames).containsExactly("No long work running.\n");

        frames.clear();
        AtomicInteger checks = new AtomicInteger();
        int drawn = ProgressCommand.watch(() -> List.of(drain(1, TaskState.RUNNING)), false, frames::add,
                () -> checks.incrementAndGet() < 4, 1);
        assertThat(drawn).isEqualTo(2);
    }
}
