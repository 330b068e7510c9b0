package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karedge.edge.stream.internal.TunnelCloudEnd;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kubectl exec} into a pod on containerd, end to end on the distribution: the cloud's end of the stream
 * tunnel (mutual TLS on loopback, the certificates where a joined node keeps them) sends the kubelet exec request
 * as cloudStream forwards the API server's, with a WebSocket upgrade as kubectl's newer clients send it; the
 * node's edge stream asks the registered CRI runtime for containerd's streaming URL and relays the bytes. The
 * command's output comes back on the stdout channel, and its exit status on the error channel.
 *
 * <p>Runs when {@code KAREDGE_CRI_SOCKET} names a containerd CRI socket ({@code .ci/containerd.sh start}) with the
 * {@code localhost/karedge/busybox:1} image imported.
 */
class ExecThroughTunnelFaultIT {

    private static final String NAMESPACE = "faults-exec";
    private static final String IMAGE = "localhost/karedge/busybox:1";
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private KaredgeNode node;
    private TunnelCloudEnd cloud;

    @AfterEach
    void stop() throws Exception {
        try {
            if (node != null && node.isAlive()) {
                Files.deleteIfExists(node.manifests().resolve("exec.yaml"));
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(500))
                        .until(() -> node.restStatus("/api/v1/namespaces/" + NAMESPACE + "/pods/shell/status") == 404);
            }
        } finally {
            if (node != null) {
                node.close();
            }
            if (cloud != null) {
                cloud.close();
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void execOutputAndExitStatusComeBackThroughTheTunnel() throws Exception {
        String socket = System.getProperty("KAREDGE_CRI_SOCKET", System.getenv("KAREDGE_CRI_SOCKET"));
        Assumptions.assumeTrue(socket != null && Files.exists(Path.of(socket)),
                "no containerd CRI socket in KAREDGE_CRI_SOCKET");
        node = KaredgeNode.create("exec-tunnel");
        Path credentials = Files.createDirectories(node.data().resolve("tunnel-credentials"));
        cloud = TunnelCloudEnd.start(credentials);
        Path features = node.etc().resolve("org.apache.karaf.features.cfg");
        Files.writeString(features, Files.readString(features).replaceFirst("(karedge-core/[^,\\s]+),",
                "$1, karedge-pods/0.1.0.SNAPSHOT, karedge-edge-stream/0.1.0.SNAPSHOT,"));
        node.configure("io.karedge.runtime.cri", "endpoint", socket);
        node.configure("io.karedge.pod.manager", "host.ip", "127.0.0.1");
        node.configure("io.karedge.manifests", "delete.grace.ms", "0");
        node.configure("io.karedge.edge.stream", "enabled", "true");
        node.configure("io.karedge.edge.stream", "server", "127.0.0.1:" + cloud.port());
        node.configure("io.karedge.edge.stream", "credentials.dir", credentials.toString());
        node.configure("io.karedge.edge.stream", "internal.ip", "127.0.0.1");
        Files.writeString(node.manifests().resolve("exec.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: shell, namespace: %s}
                spec:
                  hostNetwork: true
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    imagePullPolicy: Never
                    command: [sleep, "3600"]
                """.formatted(NAMESPACE, IMAGE));

        node.start();
        await("pod running").atMost(SETTLE).until(() -> "Running".equals(phase()));
        await("edge stream connected").atMost(Duration.ofSeconds(30)).until(cloud::edgeConnected);

        long started = System.nanoTime();
        Exec ok = exec(1, "command=sh&command=-c&command=echo+exec-ok-%24%28hostname%29&output=1&error=1");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("execAnsweredMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(ok.status).as(ok.head).startsWith("HTTP/1.1 101");
        assertThat(ok.stdout).startsWith("exec-ok-");
        assertThat(ok.error).as("the v4 error channel's status").contains("\"status\":\"Success\"");

        Exec failing = exec(2, "command=sh&command=-c&command=echo+oops+%3E%262%3B+exit+3&output=1&error=1");
        assertThat(failing.stderr).isEqualTo("oops\n");
        assertThat(failing.error).contains("\"status\":\"Failure\"").contains("exit code 3");

        Exec missing = exec(3, "command=true&output=1", "/exec/" + NAMESPACE + "/no-such-pod/main");
        assertThat(missing.status).as(missing.head).startsWith("HTTP/1.1 404");
        FaultReport.line("exec-tunnel", "kubectl exec through the stream tunnel into a pod on containerd",
                "3 exec requests", 0, figures);
    }

    private Exec exec(long id, String query) throws Exception {
        return exec(id, query, "/exec/" + NAMESPACE + "/shell/main");
    }

    /** Sends one exec request with a WebSocket upgrade and reads the answer until the edge removes the stream. */
    private Exec exec(long id, String query, String path) throws Exception {
        byte[] nonce = new byte[16];
        new java.security.SecureRandom().nextBytes(nonce);
        cloud.requestExec(id, "GET", path, query, Map.of(
                "Connection", List.of("Upgrade"), "Upgrade", List.of("websocket"),
                "Sec-Websocket-Version", List.of("13"),
                "Sec-Websocket-Key", List.of(Base64.getEncoder().encodeToString(nonce)),
                "Sec-Websocket-Protocol", List.of("v4.channel.k8s.io")));
        await("stream " + id + " ended").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> cloud.removed(id));
        return Exec.parse(cloud.dataOf(id));
    }

    private String phase() throws Exception {
        HttpResponse<String> response = http.send(node.request("/api/v1/namespaces/" + NAMESPACE
                + "/pods/shell/status").timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return null;
        }
        JsonNode status = JSON.readTree(response.body());
        return status.path("status").path("phase").asText();
    }

    /** What the streaming server answered: the HTTP head, then the channels of its WebSocket frames. */
    private record Exec(String head, String status, String stdout, String stderr, String error) {

        static Exec parse(byte[] bytes) {
            int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (end < 0) {
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                return new Exec(text, text, "", "", "");
            }
            String head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            String status = head.lines().findFirst().orElse("");
            ByteArrayOutputStream[] channels = {new ByteArrayOutputStream(), new ByteArrayOutputStream(),
                    new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            int at = end + 4;
            if (status.startsWith("HTTP/1.1 101")) {
                while (at + 2 <= bytes.length) {
                    int opcode = bytes[at] & 0x0f;
                    long length = bytes[at + 1] & 0x7f; // server frames are not masked
                    at += 2;
                    if (length == 126) {
                        length = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
                        at += 2;
                    } else if (length == 127) {
                        length = java.nio.ByteBuffer.wrap(bytes, at, 8).getLong();
                        at += 8;
                    }
                    if (at + length > bytes.length) {
                        break;
                    }
                    if ((opcode == 1 || opcode == 2) && length > 0 && bytes[at] >= 0 && bytes[at] < 4) {
                        channels[bytes[at]].write(bytes, at + 1, (int) length - 1);
                    }
                    at += (int) length;
                }
            } else {
                channels[1].write(bytes, at, bytes.length - at);
            }
            return new Exec(head, status, channels[1].toString(StandardCharsets.UTF_8),
                    channels[2].toString(StandardCharsets.UTF_8), channels[3].toString(StandardCharsets.UTF_8));
        }

        private static int indexOf(byte[] bytes, byte[] part) {
            for (int i = 0; i + part.length <= bytes.length; i++) {
                if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
