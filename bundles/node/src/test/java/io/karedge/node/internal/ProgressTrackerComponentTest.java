package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ProgressTrackerComponentTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final ProgressTrackerComponent tracker = new ProgressTrackerComponent(clock);

    private TaskProgress only() {
        assertThat(tracker.tasks()).hasSize(1);
        return tracker.tasks().get(0);
    }

    @Test
    void percentRateAndEtaOfCountedWork() {
        ProgressTask task = tracker.start(ProgressTracker.UPLINK_DRAIN, "Uplink backlog", 1000, "entries");
        TaskProgress fresh = only();
        assertThat(fresh.percent()).isEqualTo(0.0);
        assertThat(fresh.ratePerSecond()).as("nothing done yet").isNull();
        assertThat(fresh.eta()).isNull();

        for (int second = 1; second <= 4; second++) {
            clock.advance(Duration.ofSeconds(1));
            task.advance(100);
        }
        task.phase("sending");

        TaskProgress now = only();
        assertThat(now.done()).isEqualTo(400);
        assertThat(now.percent()).isEqualTo(40.0);
        assertThat(now.ratePerSecond()).isCloseTo(100.0, within(0.01));
        assertThat(now.eta()).isEqualTo(Duration.ofSeconds(6));
        assertThat(now.elapsed()).isEqualTo(Duration.ofSeconds(4));
        assertThat(now.phase()).isEqualTo("sending");
        assertThat(now.state()).isEqualTo(TaskState.RUNNING);
        assertThat(now.finishedAt()).isNull();
    }

    @Test
    void theRateFollowsTheLastSecondsAndFallsWhileStalled() {
        ProgressTask task = tracker.start("uplink-drain", "backlog", 10_000, "entries");
        for (int second = 1; second <= 20; second++) {
            clock.advance(Duration.ofSeconds(1));
            task.advance(second <= 10 ? 10 : 100); // slow at first, then fast
        }
        assertThat(only().ratePerSecond()).as("the last ten seconds only").isCloseTo(100.0, within(0.01));

        clock.advance(Duration.ofSeconds(10));
        assertThat(only().ratePerSecond()).as("ten seconds without progress").isLessThan(60.0);
        clock.advance(Duration.ofSeconds(30));
        assertThat(only().ratePerSecond()).isZero();
        assertThat(only().eta()).as("no ETA at a rate of zero").isNull();
    }

    @Test
    void stepsHaveNoRateNorEta() {
        ProgressTask task = tracker.start(ProgressTracker.JOIN, "join 10.0.0.5:10000", 5, ProgressTask.STEPS);
        clock.advance(Duration.ofSeconds(3));
        task.advance(2);
        TaskProgress now = only();
        assertThat(now.percent()).isEqualTo(40.0);
        assertThat(now.ratePerSecond()).isNull();
        assertThat(now.eta()).isNull();
    }

    @Test
    void anUnknownTotalHasNoPercentNorEtaButARate() {
        ProgressTask task = tracker.start("work", "unknown size", 0, "items");
        clock.advance(Duration.ofSeconds(2));
        task.done(50);
        TaskProgress now = only();
        assertThat(now.percent()).isNull();
        assertThat(now.eta()).isNull();
        assertThat(now.ratePerSecond()).isCloseTo(25.0, within(0.01));
    }

    @Test
    void aFailedTaskKeepsItsReasonAndIgnoresLaterReports() {
        ProgressTask task = tracker.start(ProgressTracker.JOIN, "join", 5, ProgressTask.STEPS);
        task.advance(1);
        clock.advance(Duration.ofSeconds(2));
        task.failed("HTTP 401 from the certificate service");
        clock.advance(Duration.ofSeconds(5));
        task.advance(3);
        task.phase("after the end");
        task.succeeded("too late");

        TaskProgress ended = only();
        assertThat(task.ended()).isTrue();
        assertThat(ended.state()).isEqualTo(TaskState.FAILED);
        assertThat(ended.message()).isEqualTo("HTTP 401 from the certificate service");
        assertThat(ended.done()).isEqualTo(1);
        assertThat(ended.phase()).isEmpty();
        assertThat(ended.finishedAt()).isEqualTo(Instant.parse("2026-06-01T12:00:02Z"));
        assertThat(ended.elapsed()).as("up to the end, not to now").isEqualTo(Duration.ofSeconds(2));
        assertThat(ended.eta()).isNull();
    }

    @Test
    void runningFirstThenTheLastTwentyFinishedNewestFirst() {
        ProgressTask longRunning = tracker.start("work", "still running", 0, "items");
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofSeconds(1));
            tracker.start("work", "task " + i, 1, "items").succeeded("ok " + i);
        }
        List<TaskProgress> tasks = tracker.tasks();
        assertThat(tasks).hasSize(1 + ProgressTrackerComponent.MAX_FINISHED);
        assertThat(tasks.get(0).id()).isEqualTo(longRunning.id());
        assertThat(tasks.get(1).title()).isEqualTo("task 29");
        assertThat(tasks.get(tasks.size() - 1).title()).as("older ones are dropped").isEqualTo("task 10");
    }

    @Test
    void tooManyRunningTasksEndTheQuietestAsFailed() {
        List<ProgressTask> started = new ArrayList<>();
        for (int i = 0; i < ProgressTrackerComponent.MAX_RUNNING; i++) {
            clock.advance(Duration.ofMillis(10));
            started.add(tracker.start("work", "task " + i, 0, "items"));
        }
        clock.advance(Duration.ofMillis(10));
        started.get(0).phase("still reporting"); // task 1 is now the quietest

        tracker.start("work", "one too many", 0, "items");

        assertThat(tracker.tasks().stream().filter(TaskProgress::running).count())
                .isEqualTo(ProgressTrackerComponent.MAX_RUNNING);
        assertThat(started.get(1).ended()).isTrue();
        assertThat(started.get(0).ended()).isFalse();
        assertThat(tracker.tasks()).filteredOn(t -> t.title().equals("task 1")).singleElement()
                .satisfies(t -> assertThat(t.message()).contains("more than 64 tasks"));
    }

    @Test
    void textsAreOneLineAndBounded() {
        ProgressTask task = tracker.start("work\n", "a\ntitle", 0, "items");
        task.phase("x".repeat(1000));
        TaskProgress now = only();
        assertThat(now.kind()).isEqualTo("work");
        assertThat(now.title()).isEqualTo("a title");
        assertThat(now.phase()).hasSize(ProgressTrackerComponent.MAX_TEXT);
    }

    @Test
    void producersOnManyThreadsAddUp() throws Exception {
        ProgressTask task = tracker.start("work", "shared", 80_000, "items");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        task.advance(1);
                        if (i % 1000 == 0) {
                            tracker.tasks();
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(only().done()).isEqualTo(80_000);
        assertThat(only().percent()).isEqualTo(100.0);
    }
}
