package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.store.internal.StoreComponent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A join reported step by step into the node's progress tracker, against the CloudHub double. */
@Timeout(60)
class JoinProgressTest {

    @TempDir
    Path data;

    CloudHubDouble cloud;
    StoreComponent store;
    CloudBridgeComponent bridge;
    final RecordingTracker tracker = new RecordingTracker();

    @BeforeEach
    void start() throws Exception {
        cloud = new CloudHubDouble();
        store = Fixtures.openStore(data);
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.deactivate();
        }
        Fixtures.closeStore(store);
        cloud.close();
    }

    private CloudBridgeComponent bridge(Map<String, Object> values) {
        return new CloudBridgeComponent(Fixtures.settings(values), store, store, data, Clock.systemUTC(), tracker);
    }

    private TaskProgress joinTask() {
        assertThat(tracker.ofKind(ProgressTracker.JOIN)).hasSize(1);
        return tracker.ofKind(ProgressTracker.JOIN).get(0);
    }

    @Test
    void aFirstJoinGoesThroughEveryStepToTheFirstSync() {
        bridge = bridge(Fixtures.fast(cloud));

        await().atMost(Duration.ofSeconds(20)).until(() -> !tracker.ofKind(ProgressTracker.JOIN).isEmpty()
                && !joinTask().running());

        TaskProgress join = joinTask();
        assertThat(join.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(join.title()).isEqualTo("join " + cloud.webSocketAddress() + " as edge-1");
        assertThat(join.message()).isEqualTo("connected to CloudHub " + cloud.webSocketAddress() + " as node edge-1");
        assertThat(join.done()).isEqualTo(join.total()).isEqualTo(JoinProgress.STEPS);
        assertThat(tracker.phases).containsSubsequence(
                "join: checking the stored credentials",
                "join: fetching the CA from " + cloud.certAddress(),
                "join: requesting the edge certificate from " + cloud.certAddress(),
                "join: storing the credentials in " + data.resolve("cloud"),
                "join: connecting to CloudHub " + cloud.webSocketAddress(),
                "join: first sync: registering node edge-1 with the cloud");
        assertThat(bridge.snapshot().state()).isEqualTo(LinkState.CONNECTED);
    }

    @Test
    void aRestartWithStoredCredentialsSkipsTheJoinSteps() {
        bridge = bridge(Fixtures.fast(cloud));
        await().atMost(Duration.ofSeconds(20)).until(() -> !tracker.ofKind(ProgressTracker.JOIN).isEmpty()
                && !joinTask().running());
        bridge.deactivate();
        tracker.phases.clear();

        bridge = bridge(Fixtures.fast(cloud));
        await().atMost(Duration.ofSeconds(20)).until(() -> tracker.ofKind(ProgressTracker.JOIN).size() == 2
                && tracker.ofKind(ProgressTracker.JOIN).stream().noneMatch(TaskProgress::running));

        assertThat(tracker.ofKind(ProgressTracker.JOIN).get(0).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(tracker.phases).anyMatch(p -> p.startsWith("join: using the stored edge certificate (valid until"))
                .noneMatch(p -> p.contains("fetching the CA"));
    }

    @Test
    void aTokenTheCloudRefusesFailsTheJoinWithTheReasonOnce() {
        String token = cloud.pki.token();
        Map<String, Object> values = Fixtures.fast(cloud);
        values.put("token", token.substring(0, token.lastIndexOf('.') + 1) + "Zm9yZ2Vk");
        values.put("backoff.max.ms", 200);
        bridge = bridge(values);

        await().atMost(Duration.ofSeconds(20)).until(() -> !tracker.ofKind(ProgressTracker.JOIN).isEmpty()
                && !joinTask().running());
        TaskProgress join = joinTask();
        assertThat(join.state()).isEqualTo(TaskState.FAILED);
        assertThat(join.message()).contains("HTTP 401");
        assertThat(join.done()).isEqualTo(1);

        // the link tries again; those attempts open no further task
        int issued = cloud.certificatesIssued.get();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> tracker.ofKind(ProgressTracker.JOIN).size() == 1);
        assertThat(cloud.certificatesIssued.get()).isEqualTo(issued);
    }

    @Test
    void aTrackerBoundAfterTheBridgeStartedStillGetsTheJoin() {
        java.util.concurrent.atomic.AtomicReference<ProgressTracker> bound = new java.util.concurrent.atomic.AtomicReference<>();
        Map<String, Object> values = new java.util.HashMap<>(Map.of("server", "10.0.0.5:10000", "register.node", true));
        JoinProgress join = new JoinProgress(bound::get, Fixtures.settings(values), data.resolve("cloud"));

        join.attempting();
        join.fetchingCa();
        bound.set(tracker); // the dynamic reference is set after the component's constructor ran
        join.requestingCertificate();
        join.storingCredentials();
        join.joined(java.time.Instant.parse("2027-01-01T00:00:00Z"));
        join.connecting();
        join.connected();
        assertThat(joinTask().done()).isEqualTo(4);
        join.registered();

        assertThat(joinTask().state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(joinTask().title()).isEqualTo("join 10.0.0.5:10000 as edge-1");
        join.retrying("connection lost", 1000);
        join.connected();
        assertThat(tracker.ofKind(ProgressTracker.JOIN)).as("reconnects of the run are no join").hasSize(1);
    }

    @Test
    void anUnreachableCloudShowsAsTheBackOffOfARunningJoinAndTheJoinEndsWhenItComes() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Map<String, Object> values = Fixtures.fast(cloud);
        values.put("server", "127.0.0.1:" + port); // nobody listens: connect refused
        bridge = bridge(values);

        await().atMost(Duration.ofSeconds(20)).until(() -> !tracker.ofKind(ProgressTracker.JOIN).isEmpty()
                && joinTask().phase().contains("next attempt in"));
        TaskProgress join = joinTask();
        assertThat(join.state()).isEqualTo(TaskState.RUNNING);
        assertThat(join.phase()).startsWith("cannot connect to CloudHub 127.0.0.1:" + port);
        assertThat(join.done()).as("credentials done, connect not").isEqualTo(3);

        bridge.deactivate();
        assertThat(joinTask().state()).isEqualTo(TaskState.FAILED);
        assertThat(joinTask().message()).contains("the cloud bridge stopped");
        bridge = null;
    }
}
