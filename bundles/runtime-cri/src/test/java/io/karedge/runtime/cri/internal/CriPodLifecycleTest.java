package io.karedge.runtime.cri.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.manager.internal.PodHarness;
import io.karedge.pod.manager.internal.TestMetaStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod manager on a real containerd, through the CRI runtime. Runs when {@code KAREDGE_CRI_SOCKET} (env or
 * system property) names a live socket with {@code localhost/karedge/busybox:1} imported (see
 * {@code .ci/containerd.sh start}); skipped otherwise. Pods use the host network and only ever 127.0.0.1.
 */
class CriPodLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private CriClient client;
    private CriPodRuntime runtime;
    private CriRuntimeInfo info;
    private PodHarness harness;
    private final List<PodHarness> harnesses = new ArrayList<>();

    static String socket() {
        String socket = System.getProperty("KAREDGE_CRI_SOCKET", System.getenv("KAREDGE_CRI_SOCKET"));
        return socket == null || socket.isBlank() ? null : socket;
    }

    @BeforeEach
    void connect() {
        String socket = socket();
        Assumptions.assumeTrue(socket != null && Files.exists(Path.of(socket)),
                "KAREDGE_CRI_SOCKET does not name a live CRI socket");
        client = new CriClient(socket, 10_000);
        CriSettings settings = new CriSettings(socket, 10_000, 20_000, data.resolve("pod-logs"), 1000, "");
        runtime = new CriPodRuntime(client, settings);
        info = new CriRuntimeInfo(client);
        assertThat(info.refresh()).as("the runtime answers").isTrue();
        runtime.runtimeName(info.runtimeName());
        harness = newHarness();
    }

    private PodHarness newHarness() {
        PodHarness created = new PodHarness(new TestMetaStore(), data, 1_000, 4_000, 200, Clock.systemUTC());
        created.addRuntime("default", runtime);
        harnesses.add(created);
        return created;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (client == null) {
            return;
        }
        harnesses.forEach(PodHarness::close);
        for (PodObservation pod : runtime.list()) {
            if (pod.ref().namespace().equals("karedge-test")) {
                runtime.kill(pod.ref(), Duration.ZERO);
            }
        }
        client.close();
    }

    private static String pod(String name, String restartPolicy, String command, String extra) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: karedge-test, uid: %s}
                spec:
                  hostNetwork: true
                  restartPolicy: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: localhost/karedge/busybox:1
                    imagePullPolicy: IfNotPresent
                    command: [sh, -c, '%s']
                %s""".formatted(name, "uid-" + name + "-" + System.nanoTime(), restartPolicy, command, extra);
    }

    private PodInfo awaitPod(PodHarness h, String name, String display) {
        await().atMost(WAIT).until(() -> h.status().pod("karedge-test", name).map(PodInfo::display).orElse(""),
                display::equals);
        return h.status().pod("karedge-test", name).orElseThrow();
    }

    @Test
    void versionStatusAndImagesAreReported() {
        assertThat(info.runtimeVersion()).startsWith("containerd://1.");
        assertThat(info.ready()).isTrue();
        assertThat(info.images()).anySatisfy(i -> assertThat(i.names()).contains("localhost/karedge/busybox:1"));
    }

    @Test
    void aHostNetworkPodRunsStopsAndIsDeleted() {
        harness.apply(pod("web", "Always",
                "echo started; trap \"echo bye; exit 0\" TERM; while true; do sleep 0.2; done", """
                    resources:
                      limits: {cpu: 250m, memory: 32Mi}
                """));
        PodInfo running = awaitPod(harness, "web", "Running");
        assertThat(running.ready()).isEqualTo(1);
        assertThat(running.podIp()).isEqualTo("127.0.0.1");
        String containerId = running.status().path("containerStatuses").get(0).path("containerID").asText();
        assertThat(containerId).startsWith("containerd://");
        await().atMost(WAIT).until(() -> harness.status().log("karedge-test", "web", null, false, 0, 65536).lines()
                .contains("started"));

        harness.apply(deletionOf("web"));
        await().atMost(WAIT).until(() -> !harness.uplink.about("karedge-test/pod/web").isEmpty());
        PodInfo stopped = harness.status().pod("karedge-test", "web").orElseThrow();
        assertThat(stopped.phase()).isEqualTo("Succeeded");
        assertThat(stopped.status().path("containerStatuses").get(0).path("state").path("terminated")
                .path("exitCode").asInt()).isZero();
        PodRef ref = stopped.ref();
        assertThat(runtimeStatus(ref).sandbox()).as("sandbox removed").isNull();
        assertThat(runtimeStatus(ref).containers()).isEmpty();
    }

    private String deletionOf(String name) {
        var pod = harness.store.get(io.karedge.api.meta.ObjectKey.of("Pod", "karedge-test", name)).orElseThrow().copy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) pod.get("metadata")).put("deletionTimestamp",
                "2026-01-01T00:00:00Z");
        return pod.toString();
    }

    private PodObservation runtimeStatus(PodRef ref) {
        try {
            return runtime.status(ref);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailingContainerIsRestartedWithBackoff() {
        harness.apply(pod("crash", "Always", "echo attempt; exit 1", ""));
        PodInfo looping = awaitPod(harness, "crash", "CrashLoopBackOff");
        assertThat(looping.phase()).isEqualTo("Running");
        assertThat(looping.status().path("containerStatuses").get(0).path("lastState").path("terminated")
                .path("exitCode").asInt()).isEqualTo(1);
        await().atMost(WAIT).until(() -> harness.status().pod("karedge-test", "crash").orElseThrow().restarts() >= 3);
        // back-off 1 s, 2 s, 4 s: three restarts take at least 3 s
        PodInfo later = harness.status().pod("karedge-test", "crash").orElseThrow();
        assertThat(later.status().path("containerStatuses").get(0).path("restartCount").asInt()).isGreaterThanOrEqualTo(3);

        harness.apply(pod("never", "Never", "exit 3", ""));
        PodInfo failed = awaitPod(harness, "never", "Error");
        assertThat(failed.phase()).isEqualTo("Failed");
        assertThat(failed.status().path("containerStatuses").get(0).path("state").path("terminated").path("exitCode")
                .asInt()).isEqualTo(3);
    }

    @Test
    void aConfigMapVolumeIsVisibleInTheContainer() {
        harness.apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: greeting, namespace: karedge-test}
                data: {message.txt: "hello from a configmap"}
                """);
        harness.apply(pod("reader", "Never", "cat /etc/greeting/message.txt; echo; echo $GREETING", """
                    env:
                    - name: GREETING
                      valueFrom: {configMapKeyRef: {name: greeting, key: message.txt}}
                    volumeMounts: [{name: greeting, mountPath: /etc/greeting}]
                  volumes:
                  - {name: greeting, configMap: {name: greeting}}
                """));
        awaitPod(harness, "reader", "Completed");
        LogChunk log = harness.status().log("karedge-test", "reader", "main", false, 0, 65536);
        assertThat(log.found()).isTrue();
        assertThat(log.lines()).containsExactly("hello from a configmap", "hello from a configmap");
    }

    @Test
    void aMissingImageIsErrImagePullThenImagePullBackOff() {
        harness.apply(pod("absent", "Always", "true", "").replace("localhost/karedge/busybox:1",
                "localhost/karedge/absent:1"));
        PodInfo backoff = awaitPod(harness, "absent", "ImagePullBackOff");
        assertThat(backoff.phase()).isEqualTo("Pending");
        assertThat(harness.uplink.about("karedge-test/podstatus/absent").stream()
                .map(m -> m.content().path("Status").path("containerStatuses").get(0).path("state").path("waiting")
                        .path("reason").asText()).distinct().toList())
                .containsSubsequence("ErrImagePull", "ImagePullBackOff");
        assertThat(harness.uplink.about("karedge-test/podstatus/absent").stream()
                .anyMatch(m -> m.content().toString().contains("Failed to pull image"))).isTrue();
    }

    @Test
    void aNewManagerAdoptsTheRunningPod() {
        harness.apply(pod("steady", "Always", "sleep 3600", ""));
        PodInfo first = awaitPod(harness, "steady", "Running");
        String containerId = first.status().path("containerStatuses").get(0).path("containerID").asText();
        String yaml = harness.store.get(io.karedge.api.meta.ObjectKey.of("Pod", "karedge-test", "steady"))
                .orElseThrow().object().toString();
        harness.close();
        harnesses.remove(harness);

        // a new JVM would start like this: same data directory, same runtime, the pod still in the store
        PodHarness second = newHarness();
        second.apply(yaml);
        PodInfo adopted = awaitPod(second, "steady", "Running");
        assertThat(adopted.status().path("containerStatuses").get(0).path("containerID").asText())
                .isEqualTo(containerId);
        assertThat(adopted.restarts()).isZero();
    }
    @Test
    void aPodWhoseSandboxDiedWithTheNodeComesBackAsARestart() throws Exception {
        harness.apply(pod("survivor", "Always", "sleep 3600", ""));
        PodInfo first = awaitPod(harness, "survivor", "Running");
        String startTime = first.status().path("startTime").asText();
        String yaml = harness.store.get(io.karedge.api.meta.ObjectKey.of("Pod", "karedge-test", "survivor"))
                .orElseThrow().object().toString();
        String uid = first.ref().uid();
        harness.close();
        harnesses.remove(harness);

        // what a reboot leaves in containerd: the sandbox not ready, its container exited
        PodObservation before = runtime.status(first.ref());
        client.runtime().stopPodSandbox(io.karedge.runtime.cri.v1.StopPodSandboxRequest.newBuilder()
                .setPodSandboxId(before.sandbox().id()).build());
        assertThat(runtime.status(first.ref()).sandbox().ready()).isFalse();

        PodHarness second = newHarness();
        second.apply(yaml);
        await().atMost(WAIT).until(() -> second.status().pod("karedge-test", "survivor")
                .map(p -> p.display().equals("Running") && p.restarts() == 1).orElse(false));
        PodInfo again = second.status().pod("karedge-test", "survivor").orElseThrow();
        var container = again.status().path("containerStatuses").get(0);
        assertThat(container.path("restartCount").asInt()).isEqualTo(1);
        assertThat(container.path("lastState").has("terminated")).isTrue();
        assertThat(again.status().path("startTime").asText()).isEqualTo(startTime);
        assertThat(runtime.status(new PodRef(uid, "karedge-test", "survivor")).sandbox().id())
                .isNotEqualTo(before.sandbox().id());
    }
}
