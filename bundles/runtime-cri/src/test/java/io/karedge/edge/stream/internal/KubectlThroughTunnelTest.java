package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.ObjectKey;
import io.karedge.pod.manager.internal.PodHarness;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kubectl exec} and {@code kubectl logs} of a pod on a real containerd, through the edge's end
 * of the stream tunnel. The test stands in for the API server and cloudStream together, doing what they do:
 * it answers kubectl's pod lookup, turns kubectl's exec upgrade into an {@code EXEC_CONNECT} (the kubelet's
 * path and query, kubectl's headers) and copies bytes between kubectl's connection and the tunnel's
 * {@code DATA} messages; a log request becomes a {@code LOGS_CONNECT} whose {@code DATA} is the response
 * body, and kubectl going away a {@code REMOVE_CONNECT}. kubectl's remote command protocol (SPDY, or
 * WebSocket where offered) thus runs end to end with containerd's streaming server, as it does through
 * CloudCore. Needs {@code KAREDGE_CRI_SOCKET} and {@code kubectl} on the PATH.
 */
@Timeout(180)
class KubectlThroughTunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path data;

    private TunnelOnContainerd edge;
    private PodHarness harness;
    private TunnelSession session;
    private ApiServerStandIn apiServer;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<Long, Socket> clients = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        Assumptions.assumeTrue(kubectl() != null, "kubectl is not on the PATH");
        edge = TunnelOnContainerd.start(data, this::toCloud, "box",
                "command: [sh, -c, 'i=0; while true; do echo \"tick $i\"; i=$((i+1)); sleep 0.2; done']");
        harness = edge.harness;
        session = edge.session;
        apiServer = new ApiServerStandIn();
    }

    @AfterEach
    void stop() throws Exception {
        if (apiServer != null) {
            apiServer.close();
        }
        if (edge != null) {
            edge.close();
        }
        executor.shutdownNow();
    }

    @Test
    void kubectlExecWithStdin() throws Exception {
        Result result = kubectl("hello from kubectl\n", "exec", "-i", "-n", "karedge-test", "box", "-c", "main",
                "--", "sh", "-c", "read x; echo \"got:$x\"; echo to-stderr >&2");
        assertThat(result.exit).as(result.toString()).isZero();
        assertThat(result.stdout).isEqualTo("got:hello from kubectl\n");
        assertThat(result.stderr).contains("to-stderr");
    }

    @Test
    void kubectlExecReportsTheExitCode() throws Exception {
        Result result = kubectl("", "exec", "-n", "karedge-test", "box", "--", "sh", "-c", "echo before; exit 7");
        assertThat(result.exit).as(result.toString()).isEqualTo(7);
        assertThat(result.stdout).isEqualTo("before\n");
        assertThat(result.stderr).contains("exit code 7");
    }

    @Test
    void kubectlExecIntoAContainerThatDoesNotExistShowsWhy() throws Exception {
        Result result = kubectl("", "exec", "-n", "karedge-test", "box", "-c", "nope", "--", "true");
        assertThat(result.exit).as(result.toString()).isNotZero();
        assertThat(result.stderr).contains("container nope is not valid for pod box");
    }

    @Test
    void kubectlExecItIntoAShellOnATerminalOfItsSize() throws Exception {
        Assumptions.assumeTrue(Path.of("/usr/bin/script").toFile().canExecute(), "script(1) gives kubectl a terminal");
        // script(1) runs kubectl on a pseudo-terminal, as a person's shell does: -it asks for a TTY in the container
        String kubectlLine = String.join(" ", kubectl(), "--server", "http://127.0.0.1:" + apiServer.port(),
                "exec", "-it", "-n", "karedge-test", "box", "--", "sh");
        // kubectl sends its terminal's size on the resize channel: the shell in the container sees it
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/script", "-qefc", "stty rows 33 cols 101; " + kubectlLine,
                "/dev/null");
        builder.environment().put("KUBECONFIG", data.resolve("no-kubeconfig").toString());
        builder.environment().put("HOME", data.toString());
        builder.environment().put("TERM", "dumb");
        Process process = builder.start();
        var out = executor.submit(() -> new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try (OutputStream in = process.getOutputStream()) {
            in.write("echo \"on:$(tty)\"; stty size; exit 3\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl exec -it ends with the shell").isTrue();
        }
        String output = out.get(5, TimeUnit.SECONDS);
        System.out.println("kubectl exec -it, as the terminal showed it:\n" + output.replace("\r", ""));
        assertThat(output).as("the shell runs on a terminal of its own").containsPattern("on:/dev/pts/\\d+");
        assertThat(output).as("the terminal's size, resized through the tunnel").containsPattern("(?m)^33 101\\r?$");
        assertThat(process.exitValue()).as(output).isEqualTo(3);
        await().until(() -> session.openStreams() == 0);
    }

    @Test
    void kubectlLogsWithTailAndTimestamps() throws Exception {
        await().atMost(WAIT).until(() -> kubectl("", "logs", "-n", "karedge-test", "box").stdout.contains("tick 3\n"));
        Result tail = kubectl("", "logs", "-n", "karedge-test", "box", "-c", "main", "--tail", "2", "--timestamps");
        assertThat(tail.exit).as(tail.toString()).isZero();
        System.out.println("kubectl logs --tail 2 --timestamps printed:\n" + tail.stdout);
        List<String> lines = tail.stdout.lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z tick \\d+");
        }
        await().until(() -> session.openStreams() == 0);
    }

    @Test
    void kubectlLogsFollowUntilKubectlGoesAway() throws Exception {
        Process follow = start("logs", "-f", "-n", "karedge-test", "box", "--tail", "1");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        executor.execute(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(follow.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // kubectl ended
            }
        });
        List<Integer> ticks = new ArrayList<>();
        while (ticks.size() < 4) {
            String line = lines.poll(20, TimeUnit.SECONDS);
            assertThat(line).as("a followed line within 20 s, after " + ticks).isNotNull().startsWith("tick ");
            ticks.add(Integer.parseInt(line.substring(5)));
        }
        assertThat(ticks).as("new lines keep coming, in order").isSorted().doesNotHaveDuplicates();
        System.out.println("kubectl logs -f printed, one line every 200 ms: " + ticks);
        assertThat(session.openStreams()).isEqualTo(1);
        follow.destroy(); // Ctrl-C: the connection closes, the cloud removes the stream, the edge stops reading
        assertThat(follow.waitFor(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> session.openStreams() == 0);
    }

    // ---------------------------------------------------------------- kubectl

    private record Result(int exit, String stdout, String stderr) {
    }

    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "kubectl");
            if (candidate.toFile().canExecute()) {
                return candidate.toString();
            }
        }
        return null;
    }

    private Process start(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(kubectl(), "--server", "http://127.0.0.1:" + apiServer.port()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KUBECONFIG", data.resolve("no-kubeconfig").toString());
        builder.environment().put("HOME", data.toString());
        return builder.start();
    }

    private Result kubectl(String stdin, String... arguments) throws Exception {
        List<String> withTimeout = new ArrayList<>(List.of("--request-timeout=30s"));
        withTimeout.addAll(List.of(arguments));
        Process process = start(withTimeout.toArray(String[]::new));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = executor.submit(() -> new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        var err = executor.submit(() -> new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl did not finish: " + err.get(5, TimeUnit.SECONDS));
        }
        return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    }

    // ---------------------------------------------------------------- the cloud's side

    /** A message from the edge: DATA goes to kubectl's connection; REMOVE_CONNECT closes it. */
    private boolean toCloud(TunnelMessage message) {
        Socket client = clients.get(message.connectionId());
        if (client == null) {
            return true;
        }
        try {
            if (message.type() == MessageType.DATA) {
                synchronized (client) {
                    client.getOutputStream().write(message.data());
                    client.getOutputStream().flush();
                }
            } else if (message.type() == MessageType.REMOVE_CONNECT) {
                clients.remove(message.connectionId());
                client.close();
            }
        } catch (IOException e) {
            clients.remove(message.connectionId());
        }
        return true;
    }

    /** What kubectl reads before it acts: the core group with pods and their exec and attach. */
    private static final Map<String, String> DISCOVERY = Map.of(
            "/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                    + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}",
            "/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}",
            "/api/v1", "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                    + "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\","
                    + "\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"po\"]},"
                    + "{\"name\":\"pods/exec\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodExecOptions\","
                    + "\"verbs\":[\"create\",\"get\"]},"
                    + "{\"name\":\"pods/attach\",\"singularName\":\"\",\"namespaced\":true,"
                    + "\"kind\":\"PodAttachOptions\",\"verbs\":[\"create\",\"get\"]}]}");

    /** The API server and cloudStream, for kubectl's pod lookup and exec; nothing else. */
    private final class ApiServerStandIn implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        private final AtomicLong ids = new AtomicLong(100);

        ApiServerStandIn() throws IOException {
            executor.execute(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    executor.execute(() -> serve(client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket client) {
            try {
                InputStream in = client.getInputStream();
                while (true) {
                    List<String> head = readHead(in);
                    if (head.isEmpty()) {
                        client.close();
                        return;
                    }
                    String[] requestLine = head.get(0).split(" ");
                    String target = requestLine[1];
                    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                    String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
                    String prefix = "/api/v1/namespaces/karedge-test/pods/";
                    if (path.startsWith(prefix) && (path.endsWith("/exec") || path.endsWith("/attach"))) {
                        String pod = path.substring(prefix.length(), path.lastIndexOf('/'));
                        boolean exec = path.endsWith("/exec");
                        forward(client, in, head, pod, exec, query);
                        return;
                    }
                    if (path.startsWith(prefix) && path.endsWith("/log") && requestLine[0].equals("GET")) {
                        forwardLogs(client, in, path.substring(prefix.length(), path.lastIndexOf('/')), query);
                        return;
                    }
                    if (DISCOVERY.containsKey(path)) {
                        respond(client, 200, DISCOVERY.get(path));
                    } else if (path.equals(prefix + "box") && requestLine[0].equals("GET")) {
                        ObjectNode pod = harness.store.get(ObjectKey.of("Pod", "karedge-test", "box")).orElseThrow()
                                .copy();
                        pod.set("status", harness.status().pod("karedge-test", "box").orElseThrow().status());
                        respond(client, 200, pod.toString());
                    } else {
                        respond(client, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"reason\":\"NotFound\",\"code\":404}");
                    }
                }
            } catch (IOException e) {
                // kubectl went away
            }
        }

        /** What the API server and cloudStream do with an exec: the kubelet's request, into the tunnel. */
        private void forward(Socket client, InputStream in, List<String> head, String pod, boolean exec, String query)
                throws IOException {
            Map<String, List<String>> params = params(query);
            String container = params.getOrDefault("container", List.of("main")).get(0);
            StringBuilder kubeletQuery = new StringBuilder();
            for (String command : params.getOrDefault("command", List.of())) {
                kubeletQuery.append("command=").append(URLEncoder.encode(command, StandardCharsets.UTF_8)).append('&');
            }
            for (String[] names : new String[][] {{"stdin", "input"}, {"stdout", "output"}, {"stderr", "error"},
                    {"tty", "tty"}}) {
                if (params.getOrDefault(names[0], List.of()).contains("true")) {
                    kubeletQuery.append(names[1]).append("=1&");
                }
            }
            Map<String, List<String>> byName = new LinkedHashMap<>(); // as Go's http.Header: one name, its values
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                byName.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            StringBuilder headers = new StringBuilder("{");
            byName.forEach((name, values) -> {
                if (headers.length() > 1) {
                    headers.append(',');
                }
                headers.append(json(name)).append(":[")
                        .append(String.join(",", values.stream().map(KubectlThroughTunnelTest::json).toList())).append(']');
            });
            headers.append('}');
            long id = ids.incrementAndGet();
            String request = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Host\":\"127.0.0.1:10350\","
                    + "\"Path\":\"/" + (exec ? "exec" : "attach") + "/karedge-test/" + pod + "/" + container
                    + "\",\"RawQuery\":" + json(kubeletQuery.toString()) + "},\"header\":" + headers
                    + ",\"method\":" + json(head.get(0).split(" ")[0]) + "}";
            clients.put(id, client);
            session.onMessage(TunnelMessage.of(id, exec ? MessageType.EXEC_CONNECT : MessageType.ATTACH_CONNECT,
                    request.getBytes(StandardCharsets.UTF_8)).encode());
            byte[] buffer = new byte[16 * 1024];
            int read;
            try {
                while ((read = in.read(buffer)) >= 0) {
                    byte[] chunk = new byte[read];
                    System.arraycopy(buffer, 0, chunk, 0, read);
                    session.onMessage(TunnelMessage.of(id, MessageType.DATA, chunk).encode());
                }
            } catch (IOException e) {
                // closed by the edge's REMOVE_CONNECT
            }
            if (clients.remove(id) != null) {
                session.onMessage(TunnelMessage.of(id, MessageType.REMOVE_CONNECT, new byte[0]).encode());
            }
        }

        /**
         * What the API server and cloudStream do with a log request: the kubelet's request into the tunnel,
         * its DATA as the response body, which ends when the edge removes the stream or kubectl goes away.
         */
        private void forwardLogs(Socket client, InputStream in, String pod, String query) throws IOException {
            Map<String, List<String>> params = params(query);
            String container = params.getOrDefault("container", List.of("main")).get(0);
            StringBuilder kubeletQuery = new StringBuilder();
            params.forEach((name, values) -> {
                if (!name.equals("container")) {
                    for (String value : values) {
                        kubeletQuery.append(kubeletQuery.length() > 0 ? "&" : "").append(name).append('=')
                                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
                    }
                }
            });
            long id = ids.incrementAndGet();
            synchronized (client) {
                client.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            clients.put(id, client);
            String request = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Host\":\"127.0.0.1:10350\","
                    + "\"Path\":\"/containerLogs/karedge-test/" + pod + "/" + container + "\",\"RawQuery\":"
                    + json(kubeletQuery.toString()) + "},\"header\":{\"Accept\":[\"*/*\"]},\"method\":\"GET\"}";
            session.onMessage(TunnelMessage.of(id, MessageType.LOGS_CONNECT, request.getBytes(StandardCharsets.UTF_8))
                    .encode());
            try {
                while (in.read() >= 0) {
                    // kubectl sends nothing more; the read ends when it goes away or the edge ends the body
                }
            } catch (IOException e) {
                // closed by the edge's REMOVE_CONNECT
            }
            if (clients.remove(id) != null) {
                session.onMessage(TunnelMessage.of(id, MessageType.REMOVE_CONNECT, new byte[0]).encode());
            }
        }

        private void respond(Socket client, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found") + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            OutputStream out = client.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket client : clients.values()) {
                client.close();
            }
        }
    }

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                params.computeIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        k -> new ArrayList<>()).add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** @return the request line and header lines, empty at the end of the connection */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                line.reset();
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        return List.of();
    }
}
