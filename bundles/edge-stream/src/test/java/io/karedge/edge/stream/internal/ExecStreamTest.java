package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.StreamRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exec and attach requests against a stand-in for the runtime's streaming server on loopback: what is sent
 * to it, the bytes copied both ways, the input bound and the errors.
 */
@Timeout(30)
class ExecStreamTest {

    /** Answers every stream request with {@link #url}, or throws {@link #failure}; records the request. */
    private static final class FakePods implements PodManagerStatus {
        volatile URI url;
        volatile PodRuntimeException failure;
        final AtomicReference<StreamRequest> asked = new AtomicReference<>();
        final AtomicReference<String> target = new AtomicReference<>();

        @Override
        public List<PodInfo> pods() {
            return List.of();
        }

        @Override
        public Optional<PodInfo> pod(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public LogChunk log(String namespace, String name, String container, boolean previous, long offset,
                            int maxBytes) {
            return LogChunk.missing();
        }

        @Override
        public URI stream(String namespace, String name, String container, StreamRequest request)
                throws PodRuntimeException {
            asked.set(request);
            target.set(namespace + "/" + name + "/" + container);
            if (failure != null) {
                throw failure;
            }
            return url;
        }
    }

    private final FakePods pods = new FakePods();
    private final List<TunnelMessage> sent = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final TunnelSession session = new TunnelSession(pods,
            new UsageSource("edge-1", pods, NodeUsageReader.system()), sent::add, executor, Duration.ofMillis(20));
    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        session.close();
        executor.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    private ServerSocket listen(int receiveBuffer) throws IOException {
        server = new ServerSocket();
        if (receiveBuffer > 0) {
            server.setReceiveBufferSize(receiveBuffer);
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        pods.url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/exec/Tok3n?x=1");
        return server;
    }

    private static byte[] connect(long id, MessageType type, String path, String query, String headersJson) {
        String json = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Host\":\"127.0.0.1:10350\",\"Path\":\""
                + path + "\",\"RawQuery\":\"" + query + "\"},\"header\":" + headersJson + ",\"method\":\"POST\"}";
        return TunnelMessage.of(id, type, json.getBytes(StandardCharsets.UTF_8)).encode();
    }

    private static byte[] data(long id, String text) {
        return TunnelMessage.of(id, MessageType.DATA, text.getBytes(StandardCharsets.UTF_8)).encode();
    }

    private boolean removed(long id) {
        return sent.stream().anyMatch(m -> m.connectionId() == id && m.type() == MessageType.REMOVE_CONNECT);
    }

    private String dataOf(long id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sent.stream().filter(m -> m.connectionId() == id && m.type() == MessageType.DATA)
                .forEach(m -> out.writeBytes(m.data()));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theUpgradeRequestGoesToTheStreamingServerAndBytesFlowBothWays() throws Exception {
        listen(0);
        session.onMessage(connect(1, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main",
                "command=sh&command=-c&command=echo+hi&input=1&output=1&tty=1",
                "{\"Connection\":[\"Upgrade\"],\"Upgrade\":[\"SPDY/3.1\"],\"X-Stream-Protocol-Version\":"
                        + "[\"v4.channel.k8s.io\",\"v3.channel.k8s.io\"],\"Host\":[\"elsewhere\"],"
                        + "\"X-Evil\":[\"a\\r\\nInjected: yes\"],\"Content-Length\":[\"99\"]}"));
        try (Socket runtime = server.accept()) {
            InputStream in = runtime.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("POST /exec/Tok3n?x=1 HTTP/1.1\r\n")
                    .contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n")
                    .contains("\r\nConnection: Upgrade\r\n").contains("\r\nUpgrade: SPDY/3.1\r\n")
                    .contains("\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n")
                    .contains("\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n")
                    .contains("\r\nContent-Length: 0\r\n")
                    .doesNotContain("elsewhere").doesNotContain("Injected").doesNotContain("Content-Length: 99");
            assertThat(pods.target.get()).isEqualTo("shop/web-1/main");
            assertThat(pods.asked.get()).isEqualTo(StreamRequest.exec(List.of("sh", "-c", "echo hi"), true, true,
                    false, true));

            runtime.getOutputStream().write("HTTP/1.1 101 Switching Protocols\r\n\r\nout-1".getBytes(
                    StandardCharsets.ISO_8859_1));
            runtime.getOutputStream().flush();
            await().until(() -> dataOf(1).endsWith("out-1"));

            for (int i = 0; i < 50; i++) {
                session.onMessage(data(1, "in-" + i + ";"));
            }
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                expected.append("in-").append(i).append(';');
            }
            byte[] received = in.readNBytes(expected.length());
            assertThat(new String(received, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        }
        await().until(() -> removed(1));
        assertThat(session.openStreams()).isZero();
        assertThat(sent.stream().filter(m -> m.type() == MessageType.REMOVE_CONNECT).count()).isEqualTo(1);
    }

    @Test
    void theCloudRemovingTheStreamClosesTheRuntimeConnection() throws Exception {
        listen(0);
        session.onMessage(connect(2, MessageType.ATTACH_CONNECT, "/attach/shop/web-1/main", "input=1&output=1",
                "{}"));
        try (Socket runtime = server.accept()) {
            readHead(runtime.getInputStream());
            assertThat(pods.asked.get().kind()).isEqualTo(StreamRequest.Kind.ATTACH);
            session.onMessage(TunnelMessage.of(2, MessageType.REMOVE_CONNECT, new byte[0]).encode());
            assertThat(runtime.getInputStream().read()).as("the connection is closed").isEqualTo(-1);
        }
        await().until(() -> removed(2));
        assertThat(session.openStreams()).isZero();
    }

    @Test
    void inputTheContainerDoesNotTakeIsBoundedAndEndsTheStream() throws Exception {
        listen(4096);
        session.onMessage(connect(3, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main", "command=cat&input=1",
                "{}"));
        try (Socket runtime = server.accept()) {
            readHead(runtime.getInputStream());
            String chunk = "x".repeat(64 * 1024);
            for (int i = 0; i < 160 && !removed(3); i++) {
                session.onMessage(data(3, chunk)); // 10 MiB offered, nothing read on the far side
            }
            await().until(() -> removed(3));
            assertThat(session.openStreams()).isZero();
        }
    }

    @Test
    void refusalsAreHttpAnswersInTheStream() {
        pods.failure = new PodRuntimeException("ContainerNotRunning", "container main of pod shop/web-1 is not running");
        session.onMessage(connect(4, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main", "command=sh&output=1", "{}"));
        await().until(() -> removed(4));
        assertThat(dataOf(4)).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .contains("Content-Length: 48\r\n")
                .endsWith("\r\n\r\ncontainer main of pod shop/web-1 is not running\n");

        pods.failure = new PodRuntimeException("StreamingNotSupported", "the runtime of pod shop/feat has no processes");
        session.onMessage(connect(5, MessageType.EXEC_CONNECT, "/exec/shop/feat/main", "command=sh&output=1", "{}"));
        await().until(() -> removed(5)); // the stream asks the runtime on its own thread
        pods.failure = new PodRuntimeException("RuntimeUnavailable", "the container runtime does not answer");
        session.onMessage(connect(6, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main", "command=sh&output=1", "{}"));
        session.onMessage(connect(7, MessageType.EXEC_CONNECT, "/exec/shop/web-1", "command=sh&output=1", "{}"));
        session.onMessage(connect(8, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main", "output=1", "{}"));
        await().until(() -> removed(6) && removed(7) && removed(8));
        assertThat(dataOf(5)).startsWith("HTTP/1.1 400 ").endsWith("has no processes\n");
        assertThat(dataOf(6)).startsWith("HTTP/1.1 503 ");
        assertThat(dataOf(7)).startsWith("HTTP/1.1 400 ").contains("expected /exec/<namespace>/<pod>/<container>");
        assertThat(dataOf(8)).startsWith("HTTP/1.1 400 ").contains("exec needs a command");
    }

    @Test
    void aStreamingServerThatDoesNotAnswerIsABadGateway() throws Exception {
        listen(0);
        server.close(); // the port is known and nothing listens any more
        session.onMessage(connect(9, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main", "command=sh&output=1", "{}"));
        await().until(() -> removed(9));
        assertThat(dataOf(9)).startsWith("HTTP/1.1 502 Bad Gateway\r\n").contains("does not answer");
    }
}
