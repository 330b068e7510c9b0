package io.karedge.kube.api.internal;

import static io.karedge.kube.api.internal.KubeApiFabric8Test.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.test.support.FixedTokenAccess;
import io.karedge.test.support.InMemoryMetaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API on the wire as a stranger, a web page or a careless client meets it: no token is a 401, a
 * foreign Host or Origin a 403, a target that does not decode a 400; watches of clients that went away
 * are freed within seconds; half-sent requests do not stop others.
 */
@Timeout(90)
class KubeApiGuardTest {

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    private KubeApiServer server;

    @BeforeEach
    void start() throws Exception {
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\","
                + "\"namespace\":\"app\"},\"data\":{\"password\":\"c2VjcmV0\"}}"), "local");
        server = KubeApiServer.start(store, new KubeApiSettings("127.0.0.1", 0, 4, 1024, 1800, 60, 500,
                KubeApiSettings.DEFAULT_REQUEST_BODY_MAX_BYTES, 1, KubeApiSettings.DEFAULT_REQUEST_THREADS),
                Clock.systemUTC(), new FixedTokenAccess("/healthz"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One request on its own connection; the answer's status line and body. */
    private String exchange(String requestHead, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = requestHead + (body.isEmpty() ? "" : "Content-Length: " + bytes.length + "\r\n")
                    + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String get(String target, String... headers) throws IOException {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String.join("", headers), "");
    }

    private static String status(String answer) {
        return answer.substring(0, answer.indexOf("\r\n"));
    }

    private static final String TOKEN = "Authorization: " + FixedTokenAccess.BEARER + "\r\n";

    @Test
    void anAnswerBeforeTheBodyIsReadTellsTheClientTheConnectionEnds() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            // a keep-alive request refused on its head (an unsupported media type), whose body has not come yet
            String head = "POST /api/v1/namespaces/app/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n" + TOKEN
                    + "Content-Type: application/yaml\r\nContent-Length: 100\r\n\r\nkind: ConfigMap\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(status(answer)).isEqualTo("HTTP/1.1 415 Unsupported Media Type");
            assertThat(answer.substring(0, answer.indexOf("\r\n\r\n")))
                    .as("the head of an answer after which the server closes").containsIgnoringCase("connection: close");
        }
    }

    @Test
    void withoutTheTokenOnlyTheOpenedPathsAnswer() throws Exception {
        String stranger = get("/api/v1/secrets");
        assertThat(status(stranger)).isEqualTo("HTTP/1.1 401 Unauthorized");
        assertThat(stranger).doesNotContain("c2VjcmV0").contains("\"reason\":\"Unauthorized\"")
                .containsIgnoringCase("WWW-Authenticate: Bearer");
        assertThat(status(get("/api/v1/secrets", "Authorization: Bearer wrong\r\n"))).contains(" 401 ");
        assertThat(status(get("/api/v1/namespaces/app/secrets/db"))).contains(" 401 ");
        assertThat(status(get("/version"))).contains(" 401 ");
        assertThat(status(exchange("POST /api/v1/namespaces/app/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n", "{\"metadata\":{\"name\":\"x\"}}"))).contains(" 401 ");
        assertThat(status(get("/healthz"))).as("opened for anonymous reads").contains(" 200 ");
        assertThat(status(exchange("POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", "{}")))
                .as("opened for reads only").contains(" 401 ");
        assertThat(get("/api/v1/namespaces/app/secrets/db", TOKEN)).contains(" 200 ").contains("c2VjcmV0");
    }

    @Test
    void aForeignHostOrAWriteFromAForeignOriginIsRefused() throws Exception {
        assertThat(status(exchange("GET /api/v1/secrets HTTP/1.1\r\nHost: evil.example\r\n" + TOKEN, "")))
                .contains(" 403 ");
        assertThat(status(exchange("GET /api/v1/secrets HTTP/1.1\r\nHost: localhost:10550\r\n" + TOKEN, "")))
                .contains(" 200 ");
        String create = "POST /api/v1/namespaces/app/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n" + TOKEN
                + "Content-Type: application/json\r\n";
        String body = "{\"metadata\":{\"name\":\"x\"}}";
        assertThat(status(exchange(create + "Origin: http://evil.example\r\n", body))).contains(" 403 ");
        assertThat(status(exchange(create + "Origin: null\r\n", body))).contains(" 403 ");
        assertThat(store.get(io.karedge.api.meta.ObjectKey.of("ConfigMap", "app", "x"))).isEmpty();
        assertThat(status(exchange(create, body))).contains(" 201 ");
    }

    @Test
    void targetsThatDoNotDecodeAre400() throws Exception {
        for (String target : List.of("/api/v1/pods?a=%", "/api/v1/pods?%zz=%", "/api/v1/pods?continue=%%%",
                "/api/v1/namespaces/a%zz/pods", "/api/v1/namespaces/a\\b/pods", "/\\evil",
                "/api/v1/namespaces/%2e%2e/pods", "/api/v1/../v1/pods")) {
            String answer = get(target, TOKEN);
            assertThat(status(answer)).as(target).isIn("HTTP/1.1 400 Bad Request", "HTTP/1.1 400 ");
        }
    }

    @Test
    void theWritesTheReadmeRefusesAreRefused() throws Exception {
        String create = "POST /api/v1/namespaces/app/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n" + TOKEN;
        assertThat(status(exchange(create + "Content-Type: application/json\r\n",
                "{\"metadata\":{\"name\":\"x\",\"labels\":{\"a b\":\"1\"}}}"))).contains(" 422 ");
        assertThat(status(exchange(create + "Content-Type: application/json\r\n",
                "{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"not valid!\"}}}"))).contains(" 422 ");
        assertThat(status(exchange(create, "{\"metadata\":{\"name\":\"x\"}}"))).as("no Content-Type")
                .contains(" 415 ");
        String device = "POST /apis/devices.kubeedge.io/v1beta1/namespaces/app/devices HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n" + TOKEN + "Content-Type: application/json\r\n";
        assertThat(status(exchange(device, "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"properties\":\"x\"}}")))
                .contains(" 422 ");
        assertThat(status(exchange(device, "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"properties\":[1]}}")))
                .contains(" 422 ");
        assertThat(status(exchange(device, "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"properties\":"
                + "[{\"name\":\"temp\"}]}}"))).contains(" 201 ");
    }

    @Test
    void watchesOfClientsThatWentAwayAreFreedWithinSeconds() throws Exception {
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket socket = new Socket("127.0.0.1", server.port());
            socket.getOutputStream().write(("GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n" + TOKEN
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            clients.add(socket);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openWatches() == 4);
        assertThat(status(get("/api/v1/pods?watch=true&timeoutSeconds=1", TOKEN))).contains(" 429 ");
        for (Socket socket : clients) {
            socket.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.openWatches() == 0);
        assertThat(status(get("/api/v1/pods?watch=true&timeoutSeconds=1", TOKEN))).contains(" 200 ");
    }

    @Test
    void halfSentRequestsDoNotStopOthersAndAreClosed() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 80; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                socket.getOutputStream().write("GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                slow.add(socket);
            }
            long started = System.nanoTime();
            assertThat(status(get("/api/v1/namespaces/app/secrets/db", TOKEN))).contains(" 200 ");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            Socket first = slow.get(0);
            first.setSoTimeout(30_000);
            InputStream in = first.getInputStream();
            long waited = System.nanoTime();
            int read;
            try {
                read = in.read();
            } catch (SocketTimeoutException e) {
                read = -2;
            } catch (IOException e) {
                read = -1;
            }
            assertThat(read).as("the server closed the half-sent request").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - waited)).isLessThan(Duration.ofSeconds(20));
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** Opens a connection and sends half a request head: what a slowloris client leaves behind. */
    private static Socket halfSent(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write("GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(15_000);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void fiveHundredHalfSentConnectionsDoNotDelayAnotherClient() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                slow.add(halfSent(server.port()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() >= 500);
            long started = System.nanoTime();
            assertThat(status(get("/api/v1/namespaces/app/secrets/db", TOKEN))).contains(" 200 ");
            // the reading is done by one event-loop thread: nothing waits for a thread the half-sent requests hold
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(closedByServer(slow.get(499))).as("closed after request.read.timeout.s").isTrue();
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void beyondTheCapTheLongestWaitingConnectionMakesRoomAndWatchesStay() throws Exception {
        try (KubeApiServer capped = KubeApiServer.start(store, new KubeApiSettings("127.0.0.1", 0, 4, 1024, 1800, 60,
                500, KubeApiSettings.DEFAULT_REQUEST_BODY_MAX_BYTES, 1, KubeApiSettings.DEFAULT_REQUEST_THREADS),
                new ConnectionLimits(8, 8, Duration.ofSeconds(30)), Clock.systemUTC(), () -> null,
                () -> java.util.Optional.of(io.karedge.api.node.NodeMode.STANDALONE), new FixedTokenAccess("/healthz"),
                null, null, () -> null)) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket watch = new Socket("127.0.0.1", capped.port());
                    watch.getOutputStream().write(("GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + TOKEN + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    sockets.add(watch);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> capped.openWatches() == 2);
                List<Socket> slow = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    slow.add(halfSent(capped.port()));
                }
                sockets.addAll(slow);
                await().atMost(Duration.ofSeconds(10)).until(() -> capped.openConnections() <= 8);
                String answer;
                try (Socket socket = new Socket("127.0.0.1", capped.port())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(("GET /api/v1/namespaces/app/secrets/db HTTP/1.1\r\nHost: 127.0.0.1"
                            + "\r\n" + TOKEN + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
                assertThat(status(answer)).contains(" 200 ");
                assertThat(closedByServer(slow.get(0))).as("the oldest half-sent connection made room").isTrue();
                assertThat(capped.openWatches()).as("busy connections are never closed for room").isEqualTo(2);
                assertThat(capped.openConnections()).isLessThanOrEqualTo(8);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    /** A double of the node's pod token issuer: one random token per pod identity. */
    private static final class PodTokenIssuer implements io.karedge.api.access.PodTokens {
        private final java.util.Map<PodIdentity, String> issued = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String tokenFor(PodIdentity pod) {
            return issued.computeIfAbsent(pod, p -> "karedge-pod." + java.util.UUID.randomUUID());
        }

        @Override
        public java.util.Optional<PodIdentity> identify(String token) {
            return issued.entrySet().stream().filter(e -> e.getValue().equals(token))
                    .map(java.util.Map.Entry::getKey).findFirst();
        }
    }

    @Test
    void aPodsServiceAccountTokenReadsItsOwnNamespaceOnlyAndDiesWithThePod() throws Exception {
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\","
                + "\"namespace\":\"app\"},\"data\":{\"a\":\"1\"}}"), "local");
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"theirs\","
                + "\"namespace\":\"other\"},\"data\":{\"b\":\"2\"}}"), "local");
        String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":\"app\"},"
                + "\"spec\":{\"serviceAccountName\":\"reader\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}";
        String uid = store.put(json(pod), "local").object().path("metadata").path("uid").asText();
        PodTokenIssuer issuer = new PodTokenIssuer();
        String token = issuer.tokenFor(new io.karedge.api.access.PodTokens.PodIdentity("app", "web", uid, "reader"));
        String stale = issuer.tokenFor(new io.karedge.api.access.PodTokens.PodIdentity("app", "web", "old-uid",
                "reader"));
        String otherAccount = issuer.tokenFor(new io.karedge.api.access.PodTokens.PodIdentity("app", "web", uid,
                "default"));
        try (KubeApiServer withPods = KubeApiServer.start(store, KubeApiSettings.defaults().withPort(0),
                ConnectionLimits.defaults(), Clock.systemUTC(), () -> null,
                () -> java.util.Optional.of(io.karedge.api.node.NodeMode.STANDALONE), new FixedTokenAccess("/healthz"),
                null, null, () -> issuer)) {
            String bearer = "Authorization: Bearer " + token + "\r\n";
            java.util.function.BiFunction<String, String, String> call = (head, auth) -> {
                try (Socket socket = new Socket("127.0.0.1", withPods.port())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write((head + "Host: 127.0.0.1\r\n" + auth + "Connection: close\r\n"
                            + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            String own = call.apply("GET /api/v1/namespaces/app/configmaps HTTP/1.1\r\n", bearer);
            assertThat(status(own)).contains(" 200 ");
            assertThat(own).contains("settings").doesNotContain("theirs");
            assertThat(status(call.apply("GET /api/v1/namespaces/app/configmaps?watch=true&timeoutSeconds=1 "
                    + "HTTP/1.1\r\n", bearer))).contains(" 200 ");
            assertThat(status(call.apply("GET /api HTTP/1.1\r\n", bearer))).contains(" 200 ");
            String secret = call.apply("GET /api/v1/namespaces/app/secrets/db HTTP/1.1\r\n", bearer);
            assertThat(status(secret)).contains(" 403 ");
            assertThat(secret).doesNotContain("c2VjcmV0").contains("system:serviceaccount:app:reader");
            assertThat(status(call.apply("GET /api/v1/namespaces/other/configmaps HTTP/1.1\r\n", bearer)))
                    .contains(" 403 ");
            assertThat(status(call.apply("GET /api/v1/configmaps HTTP/1.1\r\n", bearer))).contains(" 403 ");
            assertThat(status(call.apply("DELETE /api/v1/namespaces/app/configmaps/settings HTTP/1.1\r\n", bearer)))
                    .contains(" 403 ");
            assertThat(store.get(io.karedge.api.meta.ObjectKey.of("ConfigMap", "app", "settings"))).isPresent();
            // tokens of another uid or service account than the stored pod's, and unknown ones, are no one's
            assertThat(status(call.apply("GET /api/v1/namespaces/app/configmaps HTTP/1.1\r\n",
                    "Authorization: Bearer " + stale + "\r\n"))).contains(" 401 ");
            assertThat(status(call.apply("GET /api/v1/namespaces/app/configmaps HTTP/1.1\r\n",
                    "Authorization: Bearer " + otherAccount + "\r\n"))).contains(" 401 ");
            assertThat(status(call.apply("GET /api/v1/namespaces/app/configmaps HTTP/1.1\r\n",
                    "Authorization: Bearer karedge-pod.guess\r\n"))).contains(" 401 ");
            store.delete(io.karedge.api.meta.ObjectKey.of("Pod", "app", "web"));
            assertThat(status(call.apply("GET /api/v1/namespaces/app/configmaps HTTP/1.1\r\n", bearer)))
                    .as("the pod is gone, so is its token").contains(" 401 ");
        }
    }

    @Test
    void aClientThatWaitsForContinueGetsItAndThenItsAnswer() throws Exception {
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"later\","
                + "\"namespace\":\"app\"},\"data\":{\"a\":\"1\"}}";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/v1/namespaces/app/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + TOKEN + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] interim = new byte[25];
            int read = 0;
            while (read < interim.length) {
                int n = in.read(interim, read, interim.length - read);
                assertThat(n).as("the server answered before the body was sent").isPositive();
                read += n;
            }
            assertThat(new String(interim, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            socket.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(status(answer)).contains(" 201 ");
        }
    }
}
