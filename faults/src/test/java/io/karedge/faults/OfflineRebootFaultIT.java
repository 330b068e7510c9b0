package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A power cut of a node that is cut off from the cloud: the node runs two host-network pods on containerd
 * (karedge-pods, pods from {@code etc/manifests}, each answering HTTP on loopback with a page from a ConfigMap
 * volume and a value from a ConfigMap key in its environment); one of them is deleted while the node runs
 * (its manifest document removed); then the node is killed with SIGKILL and every task of its pods with it, as a
 * power cut leaves them, and the node is started again. The pod that was kept is back, from the node's own
 * store, with its restart count one higher, its volume and its environment; the deleted pod is not started
 * again; and the node reports how long the restore took ("Pods restored in ..."). The kept pod is started by
 * the node's launcher before the framework (pods first, from the restore plan) and adopted by the pod
 * manager; a third pod, whose manifest file is removed while the node is down, is started by neither.
 *
 * <p>Runs when {@code KAREDGE_CRI_SOCKET} names a containerd CRI socket ({@code .ci/containerd.sh start}), whose
 * {@code localhost/karedge/busybox:1} image is imported from a local archive: nothing is pulled.
 */
class OfflineRebootFaultIT {

    private static final String NAMESPACE = "faults-reboot";
    private static final String IMAGE = "localhost/karedge/busybox:1";
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String socket;
    private KaredgeNode node;

    @AfterEach
    void stop() throws Exception {
        if (node == null) {
            return;
        }
        try {
            if (node.isAlive()) {
                // the pods go with their manifest (delete.grace.ms = 0); then the node stops
                Files.deleteIfExists(node.manifests().resolve("reboot.yaml"));
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(500))
                        .until(() -> containers("").isEmpty());
            }
        } finally {
            node.close();
            killTasks();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theKeptPodComesBackAsARestartAndTheDeletedOneStaysDeleted() throws Exception {
        socket = System.getProperty("KAREDGE_CRI_SOCKET", System.getenv("KAREDGE_CRI_SOCKET"));
        Assumptions.assumeTrue(socket != null && Files.exists(Path.of(socket)),
                "no containerd CRI socket in KAREDGE_CRI_SOCKET");
        node = KaredgeNode.create("offline-reboot");
        Path features = node.etc().resolve("org.apache.karaf.features.cfg");
        String boot = Files.readString(features);
        Files.writeString(features, boot.replaceFirst("(karedge-core/[^,\\s]+),", "$1, karedge-pods/0.1.0.SNAPSHOT,"));
        assertThat(Files.readString(features)).contains("karedge-pods");
        node.configure("io.karedge.runtime.cri", "endpoint", socket);
        node.configure("io.karedge.pod.manager", "host.ip", "127.0.0.1");
        node.configure("io.karedge.manifests", "delete.grace.ms", "0");
        int keptPort = KaredgeNode.freePort();
        int gonePort = KaredgeNode.freePort();
        Path manifest = node.manifests().resolve("reboot.yaml");
        Files.writeString(manifest, configMap() + pod("kept", keptPort) + pod("gone", gonePort));
        int downPort = KaredgeNode.freePort();
        Path downManifest = node.manifests().resolve("down.yaml");
        Files.writeString(downManifest, pod("down", downPort));

        node.start();
        await().atMost(SETTLE).until(() -> "page-v1".equals(get(keptPort, "/index.html"))
                && "page-v1".equals(get(gonePort, "/index.html"))
                && "page-v1".equals(get(downPort, "/index.html")));
        assertThat(get(keptPort, "/env.txt")).isEqualTo("greeting-v1");
        int keptRestarts = restarts("kept");
        assertThat(keptRestarts).isZero();
        // the registered CRI runtime measures its pods (its usage once fell to the interface's empty default)
        await().atMost(SETTLE).until(() -> measured("kept"));

        // the node is alone (no cloud); the pod is deleted locally, then the power goes
        Files.writeString(manifest, configMap() + pod("kept", keptPort));
        await().atMost(SETTLE).until(() -> get(gonePort, "/index.html") == null && restStatus("gone") == 404);
        node.kill9();
        killTasks();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(keptPort, "/index.html") == null);
        // while the node is down, the third pod's manifest goes
        Files.delete(downManifest);

        long restoredLines = node.countInLog("Pods restored in ");
        long started = System.nanoTime();
        node.start();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(50))
                .until(() -> "page-v1".equals(get(keptPort, "/index.html")));
        double answeredAfter = (System.nanoTime() - started) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("keptAnsweredAfterStartS", Math.round(answeredAfter * 100) / 100.0);
        FaultReport.line("offline-reboot", "2 pods on containerd, 1 deleted offline, kill -9 of node and tasks",
                "1 pod kept", 0, figures);

        assertThat(get(keptPort, "/env.txt")).as("environment from the ConfigMap").isEqualTo("greeting-v1");
        await().atMost(SETTLE).until(() -> restarts("kept") == keptRestarts + 1);
        JsonNode kept = status("kept");
        assertThat(kept.path("status").path("phase").asText()).isEqualTo("Running");
        assertThat(kept.path("status").path("containerStatuses").get(0).path("lastState").path("terminated")
                .path("exitCode").asInt()).isNotZero();
        await().atMost(SETTLE).until(() -> node.countInLog("Pods restored in .* 1 of 1 running") > 0
                && node.countInLog("Pods restored in ") == restoredLines + 1);

        // the deleted pod: not in the node's view, not answering, no container of it running in containerd
        for (int i = 0; i < 10; i++) {
            assertThat(get(gonePort, "/index.html")).as("the deleted pod answers").isNull();
            Thread.sleep(300);
        }
        assertThat(restStatus("gone")).isEqualTo(404);
        assertThat(runningContainers("gone")).isEmpty();
        assertThat(runningContainers("kept")).isNotEmpty();

        // pods first: the launcher started the kept pod before the framework and refused the one whose
        // manifest went; the manager adopted the kept one (one container instance since the power cut)
        String launcher = Files.readString(node.data().resolve("pods-first").resolve("last-restore.properties"));
        assertThat(launcher).contains("name=" + NAMESPACE + "/kept").contains("outcome=started")
                .contains("name=" + NAMESPACE + "/down").containsPattern("outcome=not restored.*down.yaml was removed")
                .doesNotContain(NAMESPACE + "/gone");
        assertThat(node.countInLog("1 started by the launcher before the framework")).isPositive();
        for (int i = 0; i < 10; i++) {
            assertThat(get(downPort, "/index.html")).as("the pod whose manifest went answers").isNull();
            Thread.sleep(300);
        }
        assertThat(runningContainers("down")).isEmpty();
        await().atMost(SETTLE).until(() -> restStatus("down") == 404);
    }

    private static String configMap() {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: reboot-config, namespace: %s}
                data: {index.html: page-v1, greeting: greeting-v1}
                """.formatted(NAMESPACE);
    }

    private static String pod(String name, int port) {
        return """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  hostNetwork: true
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: web
                    image: %s
                    imagePullPolicy: Never
                    env:
                    - name: GREETING
                      valueFrom: {configMapKeyRef: {name: reboot-config, key: greeting}}
                    command: [sh, -c, "mkdir -p /tmp/www && cp /www/index.html /tmp/www/ && printf %%s \\"$GREETING\\" > /tmp/www/env.txt && exec httpd -f -p 127.0.0.1:%d -h /tmp/www"]
                    volumeMounts: [{name: page, mountPath: /www}]
                  volumes: [{name: page, configMap: {name: reboot-config}}]
                """.formatted(name, NAMESPACE, IMAGE, port);
    }

    /** The body of a GET on the pod's port, or null when nothing answers with 200. */
    private String get(int port, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private int restStatus(String pod) {
        return node.restStatus("/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod + "/status");
    }

    private JsonNode status(String pod) throws Exception {
        HttpResponse<String> response = http.send(node.request("/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod
                + "/status").timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Whether {@code GET /api/v1/pods/usage} lists the pod with the memory containerd measured for it. */
    private boolean measured(String pod) throws Exception {
        HttpResponse<String> response = http.send(node.request("/api/v1/pods/usage").timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode entry : JSON.readTree(response.body()).path("pods")) {
            if (pod.equals(entry.path("name").asText()) && entry.path("workingSetBytes").asLong() > 0) {
                return true;
            }
        }
        return false;
    }

    private int restarts(String pod) {
        try {
            int total = 0;
            for (JsonNode container : status(pod).path("status").path("containerStatuses")) {
                total += container.path("restartCount").asInt();
            }
            return total;
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }

    // ---- containerd, through ctr on the same socket

    /** Container ids of the pod (empty: of every pod of the test's namespace). */
    private List<String> containers(String pod) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("containers", "ls", "-q",
                "labels.\"io.kubernetes.pod.namespace\"==" + NAMESPACE
                        + (pod.isEmpty() ? "" : ",labels.\"io.kubernetes.pod.name\"==" + pod)));
        return ctr(command).lines().filter(line -> !line.isBlank()).toList();
    }

    private List<String> runningContainers(String pod) throws IOException, InterruptedException {
        List<String> ids = containers(pod);
        List<String> running = new ArrayList<>();
        for (String line : ctr(List.of("tasks", "ls")).lines().toList()) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 3 && ids.contains(columns[0]) && columns[2].equals("RUNNING")) {
                running.add(columns[0]);
            }
        }
        return running;
    }

    /** SIGKILL to every task of the test's pods, as a power cut ends them. */
    private void killTasks() throws IOException, InterruptedException {
        if (socket == null) {
            return;
        }
        for (String id : containers("")) {
            ctr(List.of("tasks", "kill", "-s", "SIGKILL", id));
        }
    }

    private String ctr(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ctr", "-a", socket, "-n", "k8s.io"));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        process.waitFor(30, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8);
    }
}
