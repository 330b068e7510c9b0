package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's HTTP surfaces under a hostile local probe: REST on the node's HTTP port and the local Kubernetes
 * API (HTTPS). A stranger (a second local user the test creates) is refused everywhere and reads no Secret;
 * a foreign Host is refused; malformed targets are 400 with at most a rate-limited log line and no stack
 * trace; watches of clients that went away are freed within seconds; 500 half-sent TLS requests do not stop
 * others; a twin PUT of 10,000 properties is refused at once.
 */
class LocalApiFaultIT {

    private static final String SECRET_VALUE = "c3RyYW5nZXItbXVzdC1ub3Qtc2Vl";
    private static final String DEVICE = "api-1";

    private KaredgeNode node;
    private String stranger;
    /** Half-sent TLS connections held open at once: more than the request threads, fewer than connections.max. */
    private static final int HALF_SENT = 500;

    private int kubePort;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (stranger != null) {
            run("userdel", "-r", stranger);
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theLocalApisRefuseStrangersAndCannotBeWedged() throws Exception {
        node = KaredgeNode.create("local-api");
        kubePort = freePort();
        node.configure("io.karedge.kube.api", "port", String.valueOf(kubePort));
        node.addBootFeature("ssh");
        String m2 = System.getProperty("karedge.faults.m2", "");
        if (!m2.isBlank()) {
            // the kube-api bundle is not in the distribution's system/: take the one this build made
            node.configure("org.ops4j.pax.url.mvn", "org.ops4j.pax.url.mvn.localRepository", m2);
        }
        Files.writeString(node.manifests().resolve("api.yaml"), Manifests.devices(List.of(DEVICE)) + "---\n"
                + "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\ndata:\n"
                + "  password: " + SECRET_VALUE + "\n");
        node.start();
        console("feature:install karedge-kube-api");
        NodeRest rest = new NodeRest(node);
        await("device " + DEVICE + " is a twin member").atMost(KaredgeNode.BOOT)
                .until(() -> rest.expectedValues(DEVICE).isPresent());
        String token = "Authorization: " + node.bearer() + "\r\n";
        await("the Kubernetes API answers").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> status(kube("GET /api/v1/namespaces/default/secrets/db", token)) == 200);
        Map<String, Object> figures = new LinkedHashMap<>();

        // the node's user reads the Secret; the token file and kubeconfig are the user's only
        assertThat(kube("GET /api/v1/namespaces/default/secrets/db", token)).contains(SECRET_VALUE);
        assertThat(mode(node.data().resolve("karedge/api-token"))).isEqualTo("rw-------");
        assertThat(mode(node.data().resolve("karedge/kubeconfig"))).isEqualTo("rw-------");

        strangerIsRefusedEverywhere(figures);
        foreignHostsAreRefused(token);
        malformedTargetsAre400WithoutAFlood(token, figures);
        goneWatchesAreFreed(token, figures);
        halfSentRequestsDoNotWedge(token, figures);
        hugeTwinPutsAreRefusedQuickly(token, figures);

        FaultReport.line("local-api", "stranger, foreign Host, malformed targets, gone watches, slowloris, "
                + "10,000-property PUT", "-", 0, figures);
        assertThat(node.health()).containsEntry("status", 200);
    }

    /** A second local user, made here, gets 401 from every path that is not opened, and no Secret. */
    private void strangerIsRefusedEverywhere(Map<String, Object> figures) throws Exception {
        Assumptions.assumeTrue(isRoot(), "making a second local user needs root (CI runs as root)");
        stranger = "kestr" + ProcessHandle.current().pid() % 100000;
        run("userdel", "-r", stranger);
        assertThat(run("useradd", "-M", "-s", "/bin/sh", stranger)).isZero();
        List<String> refused = new ArrayList<>();
        String rest = "http://127.0.0.1:" + node.httpPort();
        String kube = "https://127.0.0.1:" + kubePort;
        for (String url : List.of(rest + "/api/v1/secrets", rest + "/api/v1/namespaces/default/secrets/db",
                rest + "/api/v1/status", rest + "/api/v1/twins", rest + "/metrics", rest + "/ui/", rest + "/",
                kube + "/api/v1/secrets", kube + "/api/v1/namespaces/default/secrets/db", kube + "/version",
                kube + "/api/v1/pods?watch=true")) {
            String answer = asStranger("curl", "-sk", "--max-time", "10", "-w", "\n%{http_code}", url);
            String code = answer.substring(answer.lastIndexOf('\n') + 1);
            assertThat(answer).as(url).doesNotContain(SECRET_VALUE);
            assertThat(code).as(url).isIn("401", "403");
            refused.add(code);
        }
        String put = asStranger("curl", "-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "-X",
                "PUT", "-H", "Content-Type: application/json", "--data", "{\"desired\":{\"x\":\"1\"}}",
                rest + NodeRest.twinPath(DEVICE));
        assertThat(put).isEqualTo("401");
        String create = asStranger("curl", "-sk", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                "-X", "POST", "-H", "Content-Type: application/json", "--data",
                "{\"metadata\":{\"name\":\"planted\"},\"data\":{\"a\":\"1\"}}",
                kube + "/api/v1/namespaces/default/configmaps");
        assertThat(create).isEqualTo("401");
        String file = asStranger("cat", node.data().resolve("karedge/api-token").toString());
        assertThat(file).doesNotContain(node.bearer().substring(7));
        figures.put("strangerAnswers", refused);
        figures.put("strangerPut", put);
        figures.put("strangerCreate", create);
    }

    private void foreignHostsAreRefused(String token) throws Exception {
        assertThat(status(rawRest("GET /api/v1/status", "Host: evil.example\r\n" + token))).isEqualTo(403);
        assertThat(status(rawKube("GET /api/v1/pods", "Host: evil.example\r\n" + token))).isEqualTo(403);
        String redirect = rawRest("GET /", "Host: localhost\r\n" + token);
        assertThat(redirect).as("/ redirects without naming a host").containsIgnoringCase("Location: /ui/");
    }

    private void malformedTargetsAre400WithoutAFlood(String token, Map<String, Object> figures) throws Exception {
        List<String> targets = List.of("/api/v1/status?a=%", "/metrics?%zz=%", "/ui/?q=%",
                "/api/v1/devices?continue=%%%", "/api/v1/namespaces/default/devices/a\\b/twin", "/\\evil");
        long linesBefore = logLines();
        for (int round = 0; round < 17; round++) {
            for (String target : targets) {
                assertThat(status(rawRest("GET " + target, token))).as("REST " + target).isEqualTo(400);
                assertThat(status(kube("GET " + target, token))).as("kube " + target).isEqualTo(400);
            }
        }
        assertThat(status(rawRest("DELETE " + NodeRest.twinPath(DEVICE), token))).isEqualTo(405);
        assertThat(status(rawRest("PUT " + NodeRest.twinPath(DEVICE), token + "Content-Type: text/plain\r\n"
                + "Content-Length: 1\r\n", "x"))).isEqualTo(415);
        List<String> added = Files.readAllLines(node.karafLog()).stream().skip(linesBefore).toList();
        long stackLines = added.stream().filter(line -> line.startsWith("\tat ")).count();
        figures.put("malformedRequests", targets.size() * 17 * 2 + 2);
        figures.put("logLinesAdded", added.size());
        assertThat(stackLines).as("no stack traces: " + added).isZero();
        assertThat(added.size()).as("a rate-limited line at most: " + added).isLessThanOrEqualTo(6);
    }

    private void goneWatchesAreFreed(String token, Map<String, Object> figures) throws Exception {
        List<Socket> watches = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            SSLSocket socket = tls();
            socket.getOutputStream().write(("GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\n" + token
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            watches.add(socket);
        }
        for (Socket socket : watches) {
            socket.setSoTimeout(10_000);
            socket.getInputStream().read();
        }
        assertThat(status(kube("GET /api/v1/pods?watch=true&timeoutSeconds=1", token))).as("all slots taken")
                .isEqualTo(429);
        for (Socket socket : watches) {
            socket.close();
        }
        long closed = System.nanoTime();
        await("a new watch is served after its clients went away").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> status(kube("GET /api/v1/pods?watch=true&timeoutSeconds=1", token)) == 200);
        figures.put("watchSlotsFreeAfterMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed));
    }

    private void halfSentRequestsDoNotWedge(String token, Map<String, Object> figures) throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < HALF_SENT; i++) {
                // through TLS, as a client that means it: the handshake done, the request's head never ended
                SSLSocket socket = tls();
                socket.getOutputStream().write("GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            long started = System.nanoTime();
            assertThat(status(kube("GET /api/v1/namespaces/default/secrets/db", token))).isEqualTo(200);
            long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            figures.put("answerBeside" + HALF_SENT + "HalfSentMs", answeredMs);
            assertThat(answeredMs).isLessThan(5000);
            Socket first = slow.get(0);
            first.setSoTimeout(30_000);
            long waited = System.nanoTime();
            int read;
            try {
                read = first.getInputStream().read();
            } catch (SocketTimeoutException e) {
                read = -2;
            } catch (IOException e) {
                read = -1;
            }
            figures.put("halfSentClosedAfterMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waited));
            assertThat(read).as("the server closes a half-sent request").isEqualTo(-1);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    private void hugeTwinPutsAreRefusedQuickly(String token, Map<String, Object> figures) throws Exception {
        long started = System.nanoTime();
        String answer = rawRest("PUT " + NodeRest.twinPath(DEVICE), token + "Content-Type: application/json\r\n",
                desired(0, 10_000));
        figures.put("put10000", status(answer) + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                + " ms");
        assertThat(status(answer)).isEqualTo(413);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

        started = System.nanoTime();
        assertThat(status(rawRest("PUT " + NodeRest.twinPath(DEVICE), token + "Content-Type: application/json\r\n",
                desired(0, 990)))).isEqualTo(200);
        figures.put("put990Ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(status(rawRest("PUT " + NodeRest.twinPath(DEVICE), token + "Content-Type: application/json\r\n",
                desired(990, 1100)))).as("over properties.max of the device").isEqualTo(400);
        started = System.nanoTime();
        assertThat(status(rawRest("PUT " + NodeRest.twinPath(DEVICE), token + "Content-Type: application/json\r\n",
                desired(5, 6)))).isEqualTo(200);
        figures.put("put1On990Ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static String desired(int from, int to) {
        StringBuilder body = new StringBuilder("{\"desired\":{");
        for (int i = from; i < to; i++) {
            body.append(i == from ? "" : ",").append("\"p").append(i).append("\":\"").append(i).append('"');
        }
        return body.append("}}").toString();
    }

    // ---- the wire ----

    private String rawRest(String requestLine, String headers) throws IOException {
        return rawRest(requestLine, headers, "");
    }

    private String rawRest(String requestLine, String headers, String body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 5000);
            return exchange(socket, requestLine, headers, body);
        }
    }

    private String rawKube(String requestLine, String headers) throws Exception {
        try (SSLSocket socket = tls()) {
            return exchange(socket, requestLine, headers, "");
        }
    }

    private String kube(String requestLine, String token) throws Exception {
        return rawKube(requestLine, "Host: 127.0.0.1\r\n" + token);
    }

    private static String exchange(Socket socket, String requestLine, String headers, String body)
            throws IOException {
        socket.setSoTimeout(60_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = requestLine + " HTTP/1.1\r\n" + (headers.regionMatches(true, 0, "Host:", 0, 5) ? ""
                : "Host: 127.0.0.1\r\n") + headers + (bytes.length > 0 && !headers.contains("Content-Length")
                ? "Content-Length: " + bytes.length + "\r\n" : "") + "Connection: close\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        try {
            in.transferTo(received);
        } catch (IOException e) {
            // reset after the answer: keep what came
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    private static int status(String answer) {
        int space = answer.indexOf(' ');
        return space < 0 ? -1 : Integer.parseInt(answer.substring(space + 1, space + 4));
    }

    /** TLS to the Kubernetes API; its certificate is the node's own, which this probe does not check. */
    private SSLSocket tls() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", kubePort), 5000);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    // ---- the machine ----

    private long logLines() throws IOException {
        return Files.readAllLines(node.karafLog()).size();
    }

    private static String mode(Path file) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static boolean isRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").start();
            return new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    private String asStranger(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", stranger, "--"));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true).directory(Path.of("/tmp").toFile())
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output.trim();
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** A command in the node's console through {@code bin/client}, as its user runs it; retried until it ran. */
    private void console(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(node.home().resolve("bin/client").toString(), command)
                .redirectErrorStream(true);
        builder.environment().put("KARAF_ETC", node.etc().toString());
        builder.environment().put("KARAF_DATA", node.data().toString());
        String output = "";
        for (int attempt = 0; attempt < 30; attempt++) {
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() == 0) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("bin/client \"" + command + "\" failed: " + output);
    }

    private static int freePort() throws IOException {
        return KaredgeNode.freePort();
    }
}
