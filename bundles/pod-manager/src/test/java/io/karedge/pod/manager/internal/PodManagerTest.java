package io.karedge.pod.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodManagerTest {

    @TempDir
    Path data;

    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
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

    private static String pod(String name, String restartPolicy, String extra) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: default, uid: uid-%s}
                spec:
                  nodeName: edge-1
                  hostNetwork: true
                  restartPolicy: %s
                  terminationGracePeriodSeconds: 7
                  containers:
                  - name: main
                    image: localhost/karedge/busybox:1
                    command: [sleep, "3600"]
                %s""".formatted(name, name, restartPolicy, extra);
    }

    private PodInfo awaitPod(String name, String display) {
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.pod(name).map(PodInfo::display).orElse(""),
                display::equals);
        return harness.pod(name).orElseThrow();
    }

    @Test
    void runsAPodAndReportsItsStatusLikeKubelet() {
        harness.apply(pod("web", "Always", ""));

        PodInfo info = awaitPod("web", "Running");
        assertThat(info.phase()).isEqualTo("Running");
        assertThat(info.ready()).isEqualTo(1);
        assertThat(info.podIp()).isEqualTo("127.0.0.1");
        JsonNode status = info.status();
        assertThat(status.path("conditions").findValuesAsText("type"))
                .containsExactly("PodScheduled", "Initialized", "ContainersReady", "Ready");
        assertThat(status.path("conditions").get(3).path("status").asText()).isEqualTo("True");
        assertThat(status.path("containerStatuses").get(0).path("state").has("running")).isTrue();
        assertThat(status.path("hostIP").asText()).isEqualTo("127.0.0.1");

        await().atMost(Duration.ofSeconds(5)).until(() -> !harness.uplink.about("default/podstatus/web").isEmpty()
                && last("default/podstatus/web").content().path("Status").path("phase").asText().equals("Running"));
        UplinkMessage message = last("default/podstatus/web");
        assertThat(message.source()).isEqualTo("edged");
        assertThat(message.group()).isEqualTo("meta");
        assertThat(message.operation()).isEqualTo("update");
        assertThat(message.coalesceKey()).isEqualTo("podstatus/default/web");
        assertThat(message.content().path("UID").asText()).isEqualTo("uid-web");
        assertThat(message.content().path("Name").asText()).isEqualTo("web");
        assertThat(runtime.startsOf("uid-web", "main")).hasSize(1);
    }

    private UplinkMessage last(String resource) {
        List<UplinkMessage> all = harness.uplink.about(resource);
        return all.get(all.size() - 1);
    }

    @Test
    void crashLoopBacksOffTenSecondsThenTwenty() {
        harness.apply(pod("crash", "Always", ""));
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-crash", "main").size() == 1);

        runtime.exit("uid-crash", "main", 1);
        // first restart: at once
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-crash", "main").size() == 2);
        runtime.exit("uid-crash", "main", 1);
        PodInfo looping = awaitPod("crash", "CrashLoopBackOff");
        assertThat(looping.phase()).isEqualTo("Running");
        assertThat(looping.status().path("containerStatuses").get(0).path("lastState").path("terminated")
                .path("exitCode").asInt()).isEqualTo(1);
        assertThat(looping.status().path("containerStatuses").get(0).path("state").path("waiting").path("message")
                .asText()).startsWith("back-off 10s restarting failed container=main pod=crash_default(uid-crash)");

        clock.advance(Duration.ofSeconds(9));
        sleep(200);
        assertThat(runtime.startsOf("uid-crash", "main")).hasSize(2);
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-crash", "main").size() == 3);
        assertThat(runtime.startsOf("uid-crash", "main").get(2).attempt()).isEqualTo(2);
        awaitPod("crash", "Running");
        assertThat(harness.pod("crash").orElseThrow().restarts()).isEqualTo(2);

        runtime.exit("uid-crash", "main", 1);
        awaitPod("crash", "CrashLoopBackOff");
        clock.advance(Duration.ofSeconds(15));
        sleep(200);
        assertThat(runtime.startsOf("uid-crash", "main")).as("20 s back-off").hasSize(3);
        clock.advance(Duration.ofSeconds(6));
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-crash", "main").size() == 4);
    }

    @Test
    void restartPoliciesDecideThePhase() {
        harness.apply(pod("never", "Never", ""));
        harness.apply(pod("onfailure", "OnFailure", ""));
        harness.apply(pod("done", "OnFailure", ""));
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.starts.size() == 3);

        runtime.exit("uid-never", "main", 1);
        runtime.exit("uid-onfailure", "main", 2);
        runtime.exit("uid-done", "main", 0);

        PodInfo never = awaitPod("never", "Error");
        assertThat(never.phase()).isEqualTo("Failed");
        PodInfo done = awaitPod("done", "Completed");
        assertThat(done.phase()).isEqualTo("Succeeded");
        assertThat(done.status().path("conditions").get(3).path("reason").asText()).isEqualTo("PodCompleted");
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-onfailure", "main").size() == 2);
        sleep(200);
        assertThat(runtime.startsOf("uid-never", "main")).hasSize(1);
        assertThat(runtime.startsOf("uid-done", "main")).hasSize(1);
    }

    @Test
    void aMissingImageIsErrImagePullThenImagePullBackOff() {
        runtime.missingImages.add("localhost/karedge/absent:1");
        harness.apply(pod("absent", "Always", "").replace("localhost/karedge/busybox:1", "localhost/karedge/absent:1"));

        PodInfo backoff = awaitPod("absent", "ImagePullBackOff");
        assertThat(backoff.phase()).isEqualTo("Pending");
        // the first failed pull was reported as ErrImagePull, the syncs after it in the back-off as ImagePullBackOff
        List<String> reasons = harness.uplink.about("default/podstatus/absent").stream()
                .map(m -> m.content().path("Status").path("containerStatuses").get(0).path("state").path("waiting")
                        .path("reason").asText())
                .distinct().toList();
        assertThat(reasons).containsSubsequence("ErrImagePull", "ImagePullBackOff");
        assertThat(backoff.status().path("containerStatuses").get(0).path("state").path("waiting").path("message")
                .asText()).isEqualTo("Back-off pulling image \"localhost/karedge/absent:1\"");

        runtime.missingImages.clear();
        clock.advance(Duration.ofSeconds(11));
        awaitPod("absent", "Running");
    }

    @Test
    void environmentComesFromLiteralsConfigMapsSecretsAndFields() {
        harness.apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: default}
                data: {mode: fast, level: "3"}
                """);
        harness.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: creds, namespace: default}
                data: {password: czNjcjN0}
                """);
        harness.apply(pod("envy", "Always", """
                    env:
                    - {name: PLAIN, value: hello}
                    - name: MODE
                      valueFrom: {configMapKeyRef: {name: settings, key: mode}}
                    - name: PASSWORD
                      valueFrom: {secretKeyRef: {name: creds, key: password}}
                    - name: POD
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - {name: BOTH, value: "$(PLAIN)-$(MODE)"}
                    envFrom:
                    - {configMapRef: {name: settings}, prefix: CM_}
                    resources:
                      limits: {cpu: 500m, memory: 64Mi}
                """));

        awaitPod("envy", "Running");
        var descriptor = runtime.startsOf("uid-envy", "main").get(0).descriptor();
        assertThat(descriptor.env()).containsEntry("PLAIN", "hello").containsEntry("MODE", "fast")
                .containsEntry("PASSWORD", "s3cr3t").containsEntry("POD", "envy").containsEntry("BOTH", "hello-fast")
                .containsEntry("CM_level", "3");
        assertThat(descriptor.resources().cpuLimitMillis()).isEqualTo(500);
        assertThat(descriptor.resources().memoryLimitBytes()).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void volumesAreMaterialisedUnderThePodDirectory() throws Exception {
        harness.apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: web-config, namespace: default}
                data: {index.html: "<h1>hi</h1>", other: x}
                """);
        harness.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: tls, namespace: default}
                data: {key: a2V5}
                """);
        Path host = data.resolve("host-dir");
        harness.apply(pod("vols", "Always", """
                    volumeMounts:
                    - {name: config, mountPath: /etc/web}
                    - {name: secret, mountPath: /etc/tls}
                    - {name: scratch, mountPath: /tmp/scratch}
                    - {name: host, mountPath: /host}
                  volumes:
                  - name: config
                    configMap:
                      name: web-config
                      items: [{key: index.html, path: site/index.html}]
                  - {name: secret, secret: {secretName: tls}}
                  - {name: scratch, emptyDir: {}}
                  - {name: host, hostPath: {path: "%s", type: DirectoryOrCreate}}
                """.formatted(host)));

        awaitPod("vols", "Running");
        Path volumes = data.resolve("pods/uid-vols/volumes");
        assertThat(Files.readString(volumes.resolve("kubernetes.io~configmap/config/site/index.html")))
                .isEqualTo("<h1>hi</h1>");
        assertThat(volumes.resolve("kubernetes.io~configmap/config/other")).doesNotExist();
        assertThat(Files.readAllBytes(volumes.resolve("kubernetes.io~secret/secret/key")))
                .isEqualTo("key".getBytes(StandardCharsets.UTF_8));
        assertThat(volumes.resolve("kubernetes.io~empty-dir/scratch")).isDirectory();
        assertThat(host).isDirectory();
        var mounts = runtime.startsOf("uid-vols", "main").get(0).descriptor().mounts();
        assertThat(mounts).extracting(m -> m.containerPath() + "=" + m.readOnly())
                .containsExactly("/etc/web=true", "/etc/tls=true", "/tmp/scratch=false", "/host=false");

        harness.deletePod("vols");
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(data.resolve("pods/uid-vols")));
    }

    @Test
    void aBadVolumeOrUnknownRuntimeClassHoldsOnlyThatPod() {
        harness.apply(pod("good", "Always", ""));
        harness.apply(pod("badvol", "Always", """
                    volumeMounts: [{name: config, mountPath: /etc/x}]
                  volumes:
                  - {name: config, configMap: {name: nowhere}}
                """));
        harness.apply(pod("badenv", "Always", """
                    env:
                    - name: X
                      valueFrom: {configMapKeyRef: {name: nowhere, key: k}}
                """));
        harness.apply(pod("gvisor", "Always", "").replace("  hostNetwork: true", "  hostNetwork: true\n  runtimeClassName: gvisor"));

        awaitPod("good", "Running");
        PodInfo badVolume = awaitPod("badvol", "CreateContainerConfigError");
        assertThat(badVolume.status().path("containerStatuses").get(0).path("state").path("waiting").path("message")
                .asText()).isEqualTo("volume \"config\": configmap \"nowhere\" not found");
        PodInfo badEnv = awaitPod("badenv", "CreateContainerConfigError");
        assertThat(badEnv.status().toString()).contains("configmap \\\"nowhere\\\" not found");
        PodInfo gvisor = awaitPod("gvisor", "RuntimeClassNotFound");
        assertThat(gvisor.phase()).isEqualTo("Pending");
        assertThat(gvisor.status().path("message").asText()).contains("runtime class \"gvisor\"");
        assertThat(runtime.startsOf("uid-badvol", "main")).isEmpty();
        assertThat(runtime.startsOf("uid-gvisor", "main")).isEmpty();

        // the ConfigMap arrives: the pod starts on a later sync
        harness.apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: nowhere, namespace: default}
                data: {k: v}
                """);
        awaitPod("badvol", "Running");
        awaitPod("badenv", "Running");
    }

    @Test
    void aPodWhoseRuntimeStartsAfterTheManagerKeepsItsStatusUntilTheRuntimeIsThere() {
        harness.close();
        harness = PodHarness.withRuntimeWait(new TestMetaStore(), data.resolve("late"), 30, 60_000, clock);
        harness.addRuntime("default", runtime);
        harness.apply(pod("feature", "Always", "").replace("  hostNetwork: true",
                "  hostNetwork: true\n  runtimeClassName: karaf-feature"));
        harness.apply(pod("other", "Always", ""));

        awaitPod("other", "Running");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !harness.pod("feature").map(PodInfo::display).orElse("").equals("RuntimeClassNotFound"));
        FakePodRuntime late = new FakePodRuntime(clock);
        harness.addRuntime("karaf-feature", late);

        awaitPod("feature", "Running");
        assertThat(late.startsOf("uid-feature", "main")).hasSize(1);
        assertThat(harness.uplink.messages).as("what the pod manager sent upstream")
                .noneMatch(message -> message.toString().contains("RuntimeClassNotFound"));
    }

    @Test
    void aRuntimeThatGoesAndComesBackLeavesItsRunningPodAsItWas() {
        harness.close();
        harness = PodHarness.withRuntimeWait(new TestMetaStore(), data.resolve("update"), 30, 60_000, clock);
        harness.addRuntime("default", runtime);
        harness.apply(pod("web", "Always", ""));
        awaitPod("web", "Running");
        clock.advance(Duration.ofMinutes(5)); // long after the start: only the runtime's going counts

        harness.removeRuntime("default", runtime); // its bundle updated, or the node stopping
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> harness.pod("web").map(PodInfo::display).orElse("").equals("Running"));
        harness.addRuntime("default", runtime);

        awaitPod("web", "Running");
        assertThat(runtime.startsOf("uid-web", "main")).as("starts of the container").hasSize(1);
        assertThat(harness.uplink.messages).as("what the pod manager sent upstream")
                .noneMatch(message -> message.toString().contains("RuntimeClassNotFound"));
    }

    @Test
    void aRuntimeThatDoesNotComeWithinTheWaitLeavesItsPodsRuntimeClassNotFound() {
        harness.close();
        harness = PodHarness.withRuntimeWait(new TestMetaStore(), data.resolve("never"), 30, 200, clock);
        harness.addRuntime("default", runtime);
        harness.apply(pod("gvisor", "Always", "").replace("  hostNetwork: true",
                "  hostNetwork: true\n  runtimeClassName: gvisor"));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !harness.pod("gvisor").map(PodInfo::display).orElse("").equals("RuntimeClassNotFound"));

        clock.advance(Duration.ofMillis(200)); // the wait, on the manager's clock
        PodInfo gvisor = awaitPod("gvisor", "RuntimeClassNotFound");
        assertThat(gvisor.phase()).isEqualTo("Pending");
    }

    @Test
    void gracefulDeletionStopsReportsAndFinalises() {
        harness.apply(pod("gone", "Always", ""));
        awaitPod("gone", "Running");

        harness.requestDeletion("gone");
        await().atMost(Duration.ofSeconds(5)).until(() -> !harness.uplink.about("default/pod/gone").isEmpty());
        assertThat(runtime.kills).containsExactly("uid-gone");
        assertThat(runtime.killGraces).containsExactly(Duration.ofSeconds(7));
        UplinkMessage delete = harness.uplink.about("default/pod/gone").get(0);
        assertThat(delete.operation()).isEqualTo("delete");
        assertThat(delete.source()).isEqualTo("edged");
        assertThat(delete.group()).isEqualTo("meta");
        assertThat(delete.content().path("preconditions").path("uid").asText()).isEqualTo("uid-gone");
        assertThat(delete.content().path("gracePeriodSeconds").asInt()).isZero();
        // the final status comes before the deletion
        List<UplinkMessage> all = harness.uplink.messages;
        UplinkMessage lastStatus = all.stream().filter(m -> m.resource().equals("default/podstatus/gone"))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(all.indexOf(lastStatus)).isLessThan(all.indexOf(delete));
        assertThat(lastStatus.content().path("Status").path("phase").asText()).isEqualTo("Failed");

        harness.deletePod("gone");
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.pod("gone").isEmpty());
        assertThat(runtime.kills).hasSize(1);
    }

    @Test
    void runningPodsAreAdoptedAndOrphansRemoved() {
        harness.close();
        // what an earlier JVM left running
        runtime = new FakePodRuntime(clock);
        runtime.preload(new PodRef("uid-kept", "default", "kept"), "main");
        runtime.preload(new PodRef("uid-orphan", "default", "orphan"), "main");
        harness = new PodHarness(new TestMetaStore(), data, 10_000, 300_000, 30, clock);
        harness.apply(pod("kept", "Always", ""));
        harness.addRuntime("default", runtime);

        PodInfo kept = awaitPod("kept", "Running");
        assertThat(kept.status().path("containerStatuses").get(0).path("containerID").asText()).isEqualTo("fake://old");
        assertThat(runtime.startsOf("uid-kept", "main")).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.kills.contains("uid-orphan"));
        assertThat(runtime.kills).doesNotContain("uid-kept");
    }

    @Test
    void aContainerRecreatedAfterARebootCountsAsARestartAndTheStartTimeStays() {
        String startTime = runThenRestartOnce("rebooted");

        harness.close();
        runtime.reboot();
        clock.advance(Duration.ofMinutes(3));
        harness = new PodHarness(harness.store, data, 10_000, 300_000, 30, clock);
        harness.addRuntime("default", runtime);

        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-rebooted", "main").size() == 3);
        assertThat(runtime.startsOf("uid-rebooted", "main").get(2).attempt()).isEqualTo(2);
        PodInfo info = awaitPod("rebooted", "Running");
        assertThat(info.restarts()).isEqualTo(2);
        JsonNode container = info.status().path("containerStatuses").get(0);
        assertThat(container.path("restartCount").asInt()).isEqualTo(2);
        assertThat(container.path("lastState").path("terminated").path("reason").asText()).isEqualTo("Unknown");
        assertThat(container.path("lastState").path("terminated").path("exitCode").asInt()).isEqualTo(255);
        assertThat(info.status().path("startTime").asText()).isEqualTo(startTime);
    }

    @Test
    void aRuntimeThatLostEveryInstanceStillContinuesTheRestartCount() {
        String startTime = runThenRestartOnce("wiped");

        harness.close();
        runtime.forgetEverything();
        harness = new PodHarness(harness.store, data, 10_000, 300_000, 30, clock);
        harness.addRuntime("default", runtime);

        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-wiped", "main").size() == 3);
        assertThat(runtime.startsOf("uid-wiped", "main").get(2).attempt()).isEqualTo(2);
        PodInfo info = awaitPod("wiped", "Running");
        JsonNode container = info.status().path("containerStatuses").get(0);
        assertThat(container.path("restartCount").asInt()).isEqualTo(2);
        assertThat(container.path("lastState").path("terminated").path("reason").asText()).isEqualTo("Unknown");
        assertThat(info.status().path("startTime").asText()).isEqualTo(startTime);
    }

    /** Runs a pod, lets its container crash once and come back; returns the pod's start time. */
    private String runThenRestartOnce(String name) {
        harness.apply(pod(name, "Always", ""));
        awaitPod(name, "Running");
        String startTime = harness.pod(name).orElseThrow().status().path("startTime").asText();
        assertThat(startTime).isNotEmpty();
        clock.advance(Duration.ofSeconds(30));
        runtime.exit("uid-" + name, "main", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.startsOf("uid-" + name, "main").size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> harness.pod(name).orElseThrow().restarts() == 1);
        return startTime;
    }

    @Test
    void podsOfOtherNodesAreIgnored() {
        harness.apply(pod("elsewhere", "Always", "").replace("nodeName: edge-1", "nodeName: edge-2"));
        harness.apply(pod("here", "Always", ""));
        awaitPod("here", "Running");
        assertThat(harness.pod("elsewhere")).isEmpty();
        assertThat(runtime.startsOf("uid-elsewhere", "main")).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
