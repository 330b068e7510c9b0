package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.json.KaredgeJson;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.store.internal.StoreComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Uplink backlog found at a reconnect, reported as it drains, against the CloudHub double. */
@Timeout(90)
class DrainProgressTest {

    @TempDir
    Path data;

    CloudHubDouble cloud;
    StoreComponent store;
    CloudBridgeComponent bridge;
    final RecordingTracker tracker = new RecordingTracker();
    int next;

    @BeforeEach
    void start() throws Exception {
        cloud = new CloudHubDouble();
        store = Fixtures.openStore(data);
        Fixtures.cloudDevices(store, cloud, "default", "dev-0", "dev-1", "dev-2");
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.deactivate();
        }
        Fixtures.closeStore(store);
        cloud.close();
        assertThat(cloud.invalidFrames.get()).isZero();
    }

    /** Connected once, then cut off from the cloud. */
    private void connectThenLoseTheCloud(Map<String, Object> overrides) {
        Map<String, Object> values = Fixtures.fast(cloud);
        values.put("register.node", false);
        values.putAll(overrides);
        bridge = Fixtures.bridge(values, store, data, tracker);
        await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().state() == LinkState.CONNECTED);
        cloud.accepting = false;
        cloud.dropSessions();
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.snapshot().state() != LinkState.CONNECTED);
    }

    private void enqueue(int count, String coalescePrefix) {
        for (int i = 0; i < count; i++) {
            int n = next++;
            store.enqueue(new UplinkMessage("twin", "resource", "update",
                    "device/default/dev-" + (n % 3) + "/twin/edge_updated",
                    KaredgeJson.mapper().createObjectNode().put("n", n),
                    coalescePrefix == null ? null : coalescePrefix + i));
        }
    }

    private List<TaskProgress> drains() {
        return tracker.ofKind(ProgressTracker.UPLINK_DRAIN);
    }

    @Test
    void theBacklogAtReconnectIsCountedWithRateAndEtaAndNothingEnqueuedLater() {
        connectThenLoseTheCloud(Map.of("uplink.qps", 400, "uplink.burst", 20));
        enqueue(800, null);
        List<TaskProgress> seen = new CopyOnWriteArrayList<>();

        cloud.accepting = true;
        await().atMost(Duration.ofSeconds(20)).until(() -> !drains().isEmpty());
        enqueue(100, null); // after the connect: not part of the backlog
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            TaskProgress drain = drains().get(0);
            seen.add(drain);
            return !drain.running();
        });

        TaskProgress drain = drains().get(0);
        assertThat(drain.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(drain.total()).isEqualTo(800);
        assertThat(drain.done()).isEqualTo(800);
        assertThat(drain.message()).isEqualTo("800 entries delivered");
        assertThat(drain.title()).isEqualTo("Uplink backlog of 800 entries at connect");
        assertThat(seen).as("on the way: part done, at a rate, with an ETA")
                .anyMatch(t -> t.running() && t.done() > 0 && t.done() < 800 && t.ratePerSecond() != null
                        && t.ratePerSecond() > 0 && t.eta() != null && t.percent() > 0 && t.percent() < 100);
        assertThat(seen).extracting(TaskProgress::done).isSorted();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.depth() == 0);
        assertThat(drains()).as("one task for one reconnect").hasSize(1);
    }

    @Test
    void backlogEntriesReplacedByNewerOnesEndTheTaskAllTheSame() {
        connectThenLoseTheCloud(Map.of("uplink.qps", 50, "uplink.burst", 5, "uplink.window", 4));
        enqueue(80, null);
        enqueue(20, "latest-");

        cloud.accepting = true;
        await().atMost(Duration.ofSeconds(20)).until(() -> !drains().isEmpty());
        next = 1000;
        enqueue(20, "latest-"); // replaces the 20 keyed entries of the backlog before their turn

        await().atMost(Duration.ofSeconds(30)).until(() -> !drains().get(0).running());
        TaskProgress drain = drains().get(0);
        assertThat(drain.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(drain.total()).isEqualTo(100);
        assertThat(drain.done()).isEqualTo(100);
        assertThat(drain.message()).startsWith("80 entries delivered, 20 replaced by newer ones");
    }

    @Test
    void aLostLinkFailsTheDrainAndTheNextReconnectTakesTheRest() {
        connectThenLoseTheCloud(Map.of("uplink.qps", 100, "uplink.burst", 5));
        enqueue(600, null);

        cloud.accepting = true;
        await().atMost(Duration.ofSeconds(20)).until(() -> !drains().isEmpty() && drains().get(0).done() >= 50);
        cloud.accepting = false;
        cloud.dropSessions();

        await().atMost(Duration.ofSeconds(10)).until(() -> !drains().get(0).running());
        TaskProgress lost = drains().get(0);
        assertThat(lost.state()).isEqualTo(TaskState.FAILED);
        assertThat(lost.message()).startsWith("the link was lost after " + lost.done() + " of 600 entries")
                .endsWith("the rest goes after the next reconnect");

        cloud.accepting = true;
        await().atMost(Duration.ofSeconds(30)).until(() -> drains().size() == 2 && !drains().get(0).running());
        TaskProgress rest = drains().get(0);
        assertThat(rest.state()).isEqualTo(TaskState.SUCCEEDED);
        // removals of entries answered before the link went may commit after the first task ended
        assertThat(rest.total()).as("what was left").isBetween(600 - lost.done() - 128, 600 - lost.done());
        assertThat(rest.done()).isEqualTo(rest.total());
        await().atMost(Duration.ofSeconds(10)).until(() -> store.depth() == 0);
    }

    @Test
    void aSmallBacklogIsNoTask() {
        connectThenLoseTheCloud(Map.of());
        enqueue((int) DrainProgress.MIN_BACKLOG - 1, null);
        cloud.accepting = true;
        await().atMost(Duration.ofSeconds(20)).until(() -> store.depth() == 0);
        assertThat(drains()).isEmpty();
    }
}
