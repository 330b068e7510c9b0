package io.karedge.pod.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.node.internal.ProgressTrackerComponent;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodRestore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pods of the last run after a restart of the pod manager: what comes back, what not, and the report. */
class PodRestoreTest {

    @TempDir
    Path data;

    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final ProgressTrackerComponent tracker = new ProgressTrackerComponent(Clock.systemUTC());
    private FakePodRuntime runtime;
    private PodHarness harness;

    @BeforeEach
    void start() {
        runtime = new FakePodRuntime(clock);
        harness = new PodHarness(new TestMetaStore(), data, 10_000, 300_000, 30, clock);
        harness.addRuntime("default", runtime);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static String pod(String name, String image) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: default, uid: uid-%s}
                spec:
                  nodeName: edge-1
                  hostNetwork: true
                  containers:
                  - name: main
                    image: %s
                """.formatted(name, name, image);
    }

    private void awaitRunning(String name) {
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.pod(name).map(PodInfo::display).orElse(""),
                "Running"::equals);
    }

    /** Stops the manager, reboots the runtime, starts a manager on the same store and data again. */
    private void reboot(long syncPeriodMillis) {
        harness.close();
        runtime.reboot();
        clock.advance(Duration.ofMinutes(2));
        harness = new PodHarness(harness.store, data, 10_000, 300_000, syncPeriodMillis, clock);
        harness.bindProgress(tracker);
    }

    private PodRestore awaitRestore() {
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.status().restore().orElseThrow().done());
        return harness.status().restore().orElseThrow();
    }

    private List<TaskProgress> restoreTasks() {
        return tracker.tasks().stream().filter(t -> t.kind().equals(RestoreWatch.KIND)).toList();
    }

    @Test
    void thePodsOfTheLastRunComeBackAsRestartsAndADeletedOneDoesNot() {
        harness.apply(pod("kept", "localhost/karedge/busybox:1"));
        harness.apply(pod("other", "localhost/karedge/busybox:1"));
        harness.apply(pod("deleted", "localhost/karedge/busybox:1"));
        awaitRunning("kept");
        awaitRunning("other");
        awaitRunning("deleted");
        // deleted while the node was cut off from the cloud, before the power cut
        harness.deletePod("deleted");
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.kills.contains("uid-deleted"));

        reboot(30);
        assertThat(harness.status().restore().orElseThrow().pods()).isEqualTo(2);
        harness.addRuntime("default", runtime);

        PodRestore restore = awaitRestore();
        assertThat(restore.pods()).isEqualTo(2);
        assertThat(restore.running()).isEqualTo(2);
        assertThat(restore.notRunning()).isEmpty();
        assertThat(restore.runtimeReady()).isNotNull();
        assertThat(restore.elapsed()).isGreaterThanOrEqualTo(restore.runtimeReady())
                .isGreaterThanOrEqualTo(restore.managerStarted());
        for (String name : List.of("kept", "other")) {
            assertThat(runtime.startsOf("uid-" + name, "main")).hasSize(2);
            assertThat(runtime.startsOf("uid-" + name, "main").get(1).attempt()).isEqualTo(1);
            awaitRunning(name);
            assertThat(harness.pod(name).orElseThrow().restarts()).isEqualTo(1);
        }
        assertThat(runtime.startsOf("uid-deleted", "main")).hasSize(1);
        assertThat(harness.pod("deleted")).isEmpty();

        assertThat(restoreTasks()).singleElement().satisfies(task -> {
            assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(task.done()).isEqualTo(2);
            assertThat(task.total()).isEqualTo(2);
            assertThat(task.message()).startsWith("pods restored in ").endsWith(" s: 2 running");
        });
    }

    @Test
    void podsWithoutAUidEachKeepTheirOwnStateAcrossADeletionAndARestart() throws Exception {
        // local manifests carry no uid: each pod still gets a directory and runtime labels of its own
        harness.apply(pod("left", "localhost/karedge/busybox:1").replace(", uid: uid-left", "")
                .replace("metadata: {", "metadata: {creationTimestamp: '2026-03-01T09:00:00Z', "));
        harness.apply(pod("right", "localhost/karedge/busybox:1").replace(", uid: uid-right", "")
                .replace("metadata: {", "metadata: {creationTimestamp: '2026-03-01T09:00:00Z', "));
        awaitRunning("left");
        awaitRunning("right");
        String leftUid = harness.pod("left").orElseThrow().ref().uid();
        String rightUid = harness.pod("right").orElseThrow().ref().uid();
        assertThat(leftUid).startsWith("local-").isNotEqualTo(rightUid);
        assertThat(rightUid).startsWith("local-");
        assertThat(java.nio.file.Files.exists(data.resolve("pods").resolve(rightUid).resolve("pod.json"))).isTrue();

        harness.deletePod("left");
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.kills.contains(leftUid));
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.pod("left").isEmpty());
        assertThat(java.nio.file.Files.exists(data.resolve("pods").resolve(rightUid).resolve("pod.json"))).isTrue();

        reboot(30);
        harness.addRuntime("default", runtime);
        assertThat(awaitRestore().running()).isEqualTo(1);
        awaitRunning("right");
        assertThat(harness.pod("right").orElseThrow().ref().uid()).isEqualTo(rightUid);
        assertThat(harness.pod("right").orElseThrow().restarts()).isEqualTo(1);
        assertThat(runtime.startsOf(leftUid, "main")).hasSize(1);
    }

    @Test
    void aPodBeingDeletedAtTheRestartIsNeitherCountedNorStarted() {
        harness.apply(pod("going", "localhost/karedge/busybox:1"));
        harness.apply(pod("staying", "localhost/karedge/busybox:1"));
        awaitRunning("going");
        awaitRunning("staying");
        harness.close();
        // the deletion came in, but the node went down before the pod was stopped and removed
        harness.requestDeletion("going");

        reboot(30);
        harness.addRuntime("default", runtime);

        PodRestore restore = awaitRestore();
        assertThat(restore.pods()).isEqualTo(1);
        assertThat(restore.running()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.kills.contains("uid-going"));
        assertThat(runtime.startsOf("uid-going", "main")).hasSize(1);
        assertThat(runtime.startsOf("uid-staying", "main")).hasSize(2);
    }

    @Test
    void aPodThatCannotStartEndsTheRestoreAsFailedWithItsReason() {
        harness.apply(pod("fine", "localhost/karedge/busybox:1"));
        harness.apply(pod("broken", "localhost/karedge/gone:1"));
        awaitRunning("fine");
        awaitRunning("broken");

        reboot(30);
        // the image went with the runtime's state
        runtime.missingImages.add("localhost/karedge/gone:1");
        harness.addRuntime("default", runtime);

        PodRestore restore = awaitRestore();
        assertThat(restore.pods()).isEqualTo(2);
        assertThat(restore.running()).isEqualTo(1);
        assertThat(restore.notRunning()).singleElement().asString().isEqualTo("default/broken: main ErrImagePull");
        assertThat(restoreTasks()).singleElement().satisfies(task -> {
            assertThat(task.state()).isEqualTo(TaskState.FAILED);
            assertThat(task.message()).startsWith("1 of 2 running after ").contains("default/broken: main ErrImagePull");
        });
    }

    @Test
    void aRuntimeThatIsNotAnsweringYetIsAskedAgainSoonNotAfterTheSyncPeriod() {
        harness.apply(pod("web", "localhost/karedge/busybox:1"));
        awaitRunning("web");

        reboot(60_000);
        runtime.unavailableCalls.set(3);
        harness.addRuntime("default", runtime);

        await().atMost(Duration.ofSeconds(5)).until(() -> harness.status().restore().orElseThrow().done());
        assertThat(harness.status().restore().orElseThrow().running()).isEqualTo(1);
        assertThat(runtime.unavailableCalls.get()).isZero();
    }

    @Test
    void withNoPodsTheRestoreIsDoneAtOnceAndOpensNoTask() {
        reboot(30);
        PodRestore restore = harness.status().restore().orElseThrow();
        assertThat(restore.done()).isTrue();
        assertThat(restore.pods()).isZero();
        assertThat(restoreTasks()).isEmpty();
    }
}
