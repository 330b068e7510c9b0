package io.karedge.runtime.cri.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.boot.podsfirst.PodsFirstMain;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRestore;
import io.karedge.pod.manager.internal.PodHarness;
import io.karedge.pod.manager.internal.TestMetaStore;
import io.karedge.runtime.cri.v1.ContainerState;
import io.karedge.runtime.cri.v1.ListContainersRequest;
import io.karedge.runtime.cri.v1.ListPodSandboxRequest;
import io.karedge.runtime.cri.v1.PodSandbox;
import io.karedge.runtime.cri.v1.PodSandboxFilter;
import io.karedge.runtime.cri.v1.PodSandboxState;
import io.karedge.runtime.cri.v1.StopPodSandboxRequest;
import io.karedge.runtime.cri.v1.ContainerFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods first on a real containerd: the pod manager and the CRI runtime write the restore plan while a pod
 * runs; a "power cut" stops its sandbox; the launcher's restorer starts it again from the plan alone; a new
 * pod manager (the framework's, later in the same boot) adopts what it started: the same sandbox and container,
 * the restart count one higher. A pod whose manifest was removed while the node was down is started by
 * neither. Runs when {@code KAREDGE_CRI_SOCKET} names a live socket (see {@link CriPodLifecycleTest}).
 */
class PodsFirstRestoreTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private String socket;
    private Path plans;
    private Path manifests;
    private String previousKarafData;
    private final List<CriClient> clients = new ArrayList<>();
    private final List<PodHarness> harnesses = new ArrayList<>();
    private CriPodRuntime cleaner;

    @BeforeEach
    void setUp() throws Exception {
        socket = CriPodLifecycleTest.socket();
        Assumptions.assumeTrue(socket != null && Files.exists(Path.of(socket)),
                "KAREDGE_CRI_SOCKET does not name a live CRI socket");
        previousKarafData = System.getProperty("karaf.data");
        System.setProperty("karaf.data", data.resolve("karaf").toString());
        plans = data.resolve("karaf").resolve("pods-first");
        manifests = Files.createDirectories(data.resolve("manifests"));
        cleaner = runtime();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (socket == null || cleaner == null) {
            return;
        }
        harnesses.forEach(PodHarness::close);
        for (PodObservation pod : cleaner.list()) {
            if (pod.ref().namespace().equals("karedge-test")) {
                cleaner.kill(pod.ref(), Duration.ZERO);
            }
        }
        clients.forEach(CriClient::close);
        if (previousKarafData == null) {
            System.clearProperty("karaf.data");
        } else {
            System.setProperty("karaf.data", previousKarafData);
        }
    }

    /** A CRI runtime as a fresh process would have it (nothing in memory). */
    private CriPodRuntime runtime() {
        CriClient client = new CriClient(socket, 10_000);
        clients.add(client);
        CriPodRuntime runtime = new CriPodRuntime(client, new CriSettings(socket, 10_000, 20_000,
                data.resolve("pod-logs"), 1000, "", plans));
        runtime.runtimeName("containerd");
        return runtime;
    }

    private PodHarness manager(TestMetaStore store, CriPodRuntime runtime) {
        PodHarness harness = PodHarness.podsFirst(store, data, manifests, 200, Clock.systemUTC());
        harness.addRuntime("default", runtime);
        harnesses.add(harness);
        return harness;
    }

    private static String pod(String name, String uid) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: karedge-test, uid: %s}
                spec:
                  hostNetwork: true
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: localhost/karedge/busybox:1
                    imagePullPolicy: IfNotPresent
                    command: [sh, -c, 'sleep 600']
                """.formatted(name, uid);
    }

    private PodInfo awaitRunning(PodHarness harness, String name) {
        await().atMost(WAIT).until(() -> harness.status().pod("karedge-test", name).map(PodInfo::display).orElse(""),
                "Running"::equals);
        return harness.status().pod("karedge-test", name).orElseThrow();
    }

    private List<PodSandbox> sandboxes(CriClient client, String uid) {
        return client.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter
                .newBuilder().putLabelSelector(CriPodRuntime.LABEL_POD_UID, uid)).build()).getItemsList();
    }

    /** What a power cut leaves: the sandbox not ready, its containers exited; the node's process gone. */
    private void powerCut(CriClient client, String uid) {
        harnesses.forEach(PodHarness::close);
        harnesses.clear();
        for (PodSandbox sandbox : sandboxes(client, uid)) {
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
        }
        assertThat(sandboxes(client, uid)).allSatisfy(s -> assertThat(s.getState())
                .isEqualTo(PodSandboxState.SANDBOX_NOTREADY));
    }

    @Test
    void launcherRestoresFromThePlanAndTheManagerAdoptsWithoutRecreating() throws Exception {
        String uid = "uid-first-" + System.nanoTime();
        TestMetaStore store = new TestMetaStore();
        PodHarness first = manager(store, runtime());
        first.apply(pod("first", uid));
        PodInfo before = awaitRunning(first, "first");
        assertThat(before.restarts()).isZero();
        await().atMost(WAIT).until(() -> Files.exists(plans.resolve(uid + ".plan"))
                && Files.exists(plans.resolve(uid + ".origin")));

        CriClient client = clients.get(0);
        powerCut(client, uid);
        Map<String, String> outcome = PodsFirstMain.restore(plans);
        assertThat(outcome).containsEntry("karedge-test/first", "started");

        List<PodSandbox> afterRestore = sandboxes(client, uid);
        PodSandbox ready = afterRestore.stream().filter(s -> s.getState() == PodSandboxState.SANDBOX_READY)
                .findFirst().orElseThrow();
        assertThat(afterRestore).as("the old sandbox is removed").hasSize(1);
        assertThat(ready.getLabelsMap()).containsEntry(CriPodRuntime.LABEL_POD_UID, uid)
                .containsEntry(CriPodRuntime.LABEL_MANAGED, "true");
        List<io.karedge.runtime.cri.v1.Container> containers = client.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(
                ContainerFilter.newBuilder().putLabelSelector(CriPodRuntime.LABEL_POD_UID, uid)).build())
                .getContainersList();
        assertThat(containers).singleElement().satisfies(c -> {
            assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
            assertThat(c.getMetadata().getAttempt()).isEqualTo(1);
            assertThat(c.getPodSandboxId()).isEqualTo(afterRestore.stream()
                    .filter(s -> s.getState() == PodSandboxState.SANDBOX_READY).findFirst().orElseThrow().getId());
        });
        // a second power cut before any pod manager ran: the plan is unchanged, its attempt's sandbox is there
        powerCut(client, uid);
        assertThat(PodsFirstMain.restore(plans)).containsEntry("karedge-test/first", "started");
        ready = sandboxes(client, uid).stream().filter(s -> s.getState() == PodSandboxState.SANDBOX_READY)
                .findFirst().orElseThrow();
        containers = client.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(
                ContainerFilter.newBuilder().putLabelSelector(CriPodRuntime.LABEL_POD_UID, uid)).build())
                .getContainersList();
        assertThat(containers).singleElement().satisfies(c ->
                assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING));
        String containerId = containers.get(0).getId();
        String readyId = ready.getId();

        // the framework's pod manager, later in the same boot
        PodHarness second = manager(store, runtime());
        PodInfo after = awaitRunning(second, "first");
        assertThat(after.restarts()).isEqualTo(1);
        assertThat(after.status().path("containerStatuses").get(0).path("containerID").asText())
                .isEqualTo("containerd://" + containerId);
        assertThat(after.status().path("startTime").asText())
                .isEqualTo(before.status().path("startTime").asText());
        assertThat(after.status().path("containerStatuses").get(0).path("lastState").path("terminated")
                .path("exitCode").asInt()).as("the instance lost with the power cut").isEqualTo(255);
        Thread.sleep(1000);
        assertThat(sandboxes(client, uid)).as("no second sandbox").singleElement()
                .satisfies(s -> assertThat(s.getId()).isEqualTo(readyId));
        PodRestore restore = second.status().restore().orElseThrow();
        assertThat(restore.running()).isEqualTo(1);
        // the plan now holds the next attempts for the next reboot
        await().atMost(WAIT).until(() -> planAttempt(uid) == 2);
    }

    /** The attempt the plan gives the pod's container (the layout of PodsFirstPlan). */
    private int planAttempt(String uid) throws Exception {
        try (var in = new java.io.DataInputStream(Files.newInputStream(plans.resolve(uid + ".plan")))) {
            in.readInt();
            for (int i = 0; i < 6; i++) {
                in.readUTF();
            }
            in.readInt();
            in.skipNBytes(in.readInt());
            in.readInt();
            in.readUTF();
            in.readUTF();
            in.readUTF();
            return in.readInt();
        }
    }

    @Test
    void podOfAManifestRemovedWhileDownIsNotStarted() throws Exception {
        String uid = "uid-gone-" + System.nanoTime();
        Path manifest = Files.writeString(manifests.resolve("gone.yaml"), pod("gone", uid));
        TestMetaStore store = new TestMetaStore();
        PodHarness first = manager(store, runtime());
        first.apply(pod("gone", uid), "manifest:gone.yaml");
        awaitRunning(first, "gone");
        await().atMost(WAIT).until(() -> Files.exists(plans.resolve(uid + ".origin")));
        assertThat(Files.readString(plans.resolve(uid + ".origin"))).contains("source=manifest");

        CriClient client = clients.get(0);
        powerCut(client, uid);
        Files.delete(manifest);
        Map<String, String> outcome = PodsFirstMain.restore(plans);
        assertThat(outcome.get("karedge-test/gone")).contains("manifest").contains("removed");

        // the pod is still in the store (the manifest source has not deleted it yet): the manager holds it back
        PodHarness second = manager(store, runtime());
        Thread.sleep(2500);
        assertThat(sandboxes(client, uid)).noneMatch(s -> s.getState() == PodSandboxState.SANDBOX_READY);
        assertThat(Files.exists(plans.resolve(uid + ".origin"))).isFalse();
        assertThat(second.status().pod("karedge-test", "gone").map(PodInfo::display).orElse(""))
                .isNotEqualTo("Running");
    }

    @Test
    void deletedPodLeavesThePlanAtOnce() throws Exception {
        String uid = "uid-deleted-" + System.nanoTime();
        TestMetaStore store = new TestMetaStore();
        PodHarness harness = manager(store, runtime());
        harness.apply(pod("deleted", uid));
        awaitRunning(harness, "deleted");
        await().atMost(WAIT).until(() -> Files.exists(plans.resolve(uid + ".plan")));
        store.delete(io.karedge.api.meta.ObjectKey.of("Pod", "karedge-test", "deleted"));
        await().atMost(WAIT).until(() -> !Files.exists(plans.resolve(uid + ".plan"))
                && !Files.exists(plans.resolve(uid + ".origin")));
        assertThat(PodsFirstMain.restore(plans)).doesNotContainKey("karedge-test/deleted");
    }
}
