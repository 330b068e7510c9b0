package io.karedge.cloud.bridge.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.cloud.bridge.internal.CloudBridgeComponent;
import io.karedge.cloud.bridge.internal.CloudHubDouble;
import io.karedge.cloud.bridge.internal.Fixtures;
import io.karedge.node.internal.ProgressTrackerComponent;
import io.karedge.store.internal.StoreComponent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge:join} following the join the bridge reports, line by line. */
@Timeout(60)
class JoinFollowTest {

    @Test
    void printsEachStepOfTheBridgesJoinAndItsOutcome(@TempDir Path data) throws Exception {
        ProgressTrackerComponent tracker = new ProgressTrackerComponent(Clock.systemUTC());
        List<String> lines = new CopyOnWriteArrayList<>();
        try (CloudHubDouble cloud = new CloudHubDouble()) {
            StoreComponent store = Fixtures.openStore(data);
            Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            CloudBridgeComponent bridge = Fixtures.bridge(Fixtures.fast(cloud), store, data, tracker);
            try {
                Optional<TaskProgress> outcome = JoinCommand.follow(tracker::tasks, cloud.webSocketAddress(), since,
                        lines::add, () -> true, System::currentTimeMillis, 20);

                assertThat(outcome).get().extracting(TaskProgress::state).isEqualTo(TaskState.SUCCEEDED);
                // the steps are sampled every 20 ms, so a short one may be passed over: the steps done never go
                // back (a new phase may keep the count), and the join's progress is shown before its outcome
                List<Integer> steps = lines.stream().filter(l -> l.matches("  \\[\\d/5\\] .*"))
                        .map(l -> l.charAt(3) - '0').toList();
                assertThat(steps).as("%s", lines).isNotEmpty().isSorted();
                assertThat(lines).as("%s", lines).allMatch(l -> l.matches("  \\[\\d/5\\] .*")
                        || l.startsWith("Joined: "));
                assertThat(lines.get(lines.size() - 1)).startsWith("Joined: connected to CloudHub "
                        + cloud.webSocketAddress() + " as node edge-1 (");
                assertThat(lines).doesNotHaveDuplicates();
            } finally {
                Fixtures.stop(bridge);
                Fixtures.closeStore(store);
            }
        }
    }

    @Test
    void aFailureIsPrintedWithItsReasonAndAnOldJoinIsNotTakenForTheNewOne() throws Exception {
        MovableClock clock = new MovableClock();
        ProgressTrackerComponent tracker = new ProgressTrackerComponent(clock);
        tracker.start("join", "join 10.0.0.5:10000 as edge-1", 5, ProgressTask.STEPS).succeeded("an old join");
        clock.millis.addAndGet(1000);
        Instant since = clock.instant();
        ProgressTask join = tracker.start("join", "join 10.0.0.5:10000 as edge-7", 5, ProgressTask.STEPS);
        join.done(1);
        join.phase("requesting the edge certificate from 10.0.0.5:10002");
        List<String> lines = new CopyOnWriteArrayList<>();
        int[] polls = {0};

        Optional<TaskProgress> outcome = JoinCommand.follow(tracker::tasks, "10.0.0.5:10000", since, lines::add,
                () -> {
                    if (++polls[0] == 3) {
                        join.failed("the certificate service refused the request (HTTP 401: invalid token)");
                    }
                    return true;
                }, clock.millis::get, 1);

        assertThat(outcome).get().extracting(TaskProgress::state).isEqualTo(TaskState.FAILED);
        assertThat(lines).containsExactly("  [1/5] requesting the edge certificate from 10.0.0.5:10002",
                "Join failed: the certificate service refused the request (HTTP 401: invalid token) (0.0 s)");
    }

    @Test
    void noJoinStartingIsSaidAfterAWhile() throws Exception {
        MovableClock clock = new MovableClock();
        ProgressTrackerComponent tracker = new ProgressTrackerComponent(clock);
        List<String> lines = new CopyOnWriteArrayList<>();
        Optional<TaskProgress> outcome = JoinCommand.follow(tracker::tasks, "10.0.0.5:10000", clock.instant(),
                lines::add, () -> {
                    clock.millis.addAndGet(Duration.ofSeconds(5).toMillis());
                    return true;
                }, clock.millis::get, 1);
        assertThat(outcome).isEmpty();
        assertThat(lines).singleElement().asString().contains("has not started to join within 15 s");
    }

    /** A clock the test moves, in milliseconds. */
    static final class MovableClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-06-01T12:00:00Z").toEpochMilli());

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
