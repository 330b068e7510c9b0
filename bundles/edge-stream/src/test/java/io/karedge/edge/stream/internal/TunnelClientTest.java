package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.StreamRequest;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The edge's tunnel link against a CloudCore tunnel double speaking the real framing over mutual TLS. */
@Timeout(60)
class TunnelClientTest {

    private static final class GrowingLog implements PodManagerStatus {
        final List<String> lines = new CopyOnWriteArrayList<>();

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
            if (!name.equals("web-1") || container == null || !container.equals("main")) {
                return LogChunk.missing();
            }
            List<String> part = new ArrayList<>(lines.subList((int) Math.min(offset, lines.size()), lines.size()));
            return new LogChunk(part, offset + part.size(), true);
        }

        @Override
        public URI stream(String namespace, String name, String container, StreamRequest request)
                throws PodRuntimeException {
            if (!name.equals("web-1") || streamingServer == null) {
                throw new PodRuntimeException("PodNotFound", "pods \"" + name + "\" not found");
            }
            return URI.create("http://127.0.0.1:" + streamingServer.getLocalPort() + "/exec/t0ken");
        }
    }

    /** The runtime's streaming server: switches protocols, then answers each line in upper case. */
    private static ServerSocket streamingServer;

    private static void serveUpperCase(ServerSocket server) {
        try (Socket connection = server.accept()) {
            InputStream in = connection.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            OutputStream out = connection.getOutputStream();
            out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int b;
            while ((b = in.read()) >= 0) {
                out.write(Character.toUpperCase(b));
                if (b == '\n') {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the edge closed the stream
        }
    }

    private final GrowingLog pods = new GrowingLog();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ExecutorService streams = EdgeStreamComponent.streamExecutor();
    private TestCertificates pki;
    private TunnelDouble cloud;
    private TunnelClient client;
    @TempDir
    Path credentials;

    @BeforeEach
    void start() throws Exception {
        pki = new TestCertificates();
        pki.writeNodeFiles(credentials);
        cloud = new TunnelDouble(pki);
        client = new TunnelClient(group, new TunnelClient.Settings("127.0.0.1", cloud.port(), "edge-1", "10.1.2.3",
                Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(20)),
                TunnelCredentials.load(credentials), pods, streams);
        client.start();
        await().atMost(Duration.ofSeconds(20)).until(cloud::edgeConnected);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        cloud.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        streams.shutdownNow();
    }

    @Test
    void connectsWithTheNodeCertificateAndSessionHeaders() {
        assertThat(cloud.sessionHeaders).containsEntry("SessionHostNameOverride", "edge-1")
                .containsEntry("SessionInternalIP", "10.1.2.3");
        assertThat(cloud.clientSubjects).anyMatch(subject -> subject.contains("CN=edge-1"));
    }

    @Test
    void followedLogsTravelTheTunnelUntilTheCloudClosesTheStream() {
        pods.lines.add("starting");
        cloud.requestLogs(41, "shop", "web-1", "main", "follow=true&tailLines=10");
        await().until(() -> cloud.dataOf(41).equals("starting\n"));
        pods.lines.add("serving on :8080");
        await().until(() -> cloud.dataOf(41).equals("starting\nserving on :8080\n"));
        cloud.send(TunnelMessage.of(41, MessageType.REMOVE_CONNECT, new byte[0]));
        await().until(() -> cloud.removed(41));
    }

    @Test
    void execCarriesStdinAndOutputAcrossTheTunnelUntilTheCloudClosesIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            streamingServer = server;
            Thread runtime = new Thread(() -> serveUpperCase(server), "streaming-server");
            runtime.start();
            cloud.requestExec(45, "shop", "web-1", "main", "command=sh&input=1&output=1");
            await().until(() -> cloud.dataOf(45).startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
            cloud.send(TunnelMessage.of(45, MessageType.DATA, "echo hello\n".getBytes(StandardCharsets.UTF_8)));
            await().until(() -> cloud.dataOf(45).endsWith("\r\n\r\nECHO HELLO\n"));
            cloud.send(TunnelMessage.of(45, MessageType.REMOVE_CONNECT, new byte[0]));
            runtime.join(10_000);
            assertThat(runtime.isAlive()).as("the edge closed its connection to the runtime").isFalse();
            cloud.requestExec(46, "shop", "nope", "main", "command=sh&output=1");
            await().until(() -> cloud.removed(46));
            assertThat(cloud.dataOf(46)).startsWith("HTTP/1.1 404 ").endsWith("pods \"nope\" not found\n");
        } finally {
            streamingServer = null;
        }
    }

    @Test
    void aMissingPodAndABadRequestAreAnsweredOnTheirStreams() {
        cloud.requestLogs(42, "shop", "nope", "main", "");
        cloud.requestLogs(43, "shop", "web-1", "main", "tailLines=lots");
        await().until(() -> cloud.removed(42) && cloud.removed(43));
        assertThat(cloud.dataOf(42)).contains("pods \"nope\" not found");
        assertThat(cloud.dataOf(43)).contains("tailLines must be a non-negative integer");
    }

    @Test
    void aDroppedTunnelIsReopenedAndServesAgain() {
        cloud.dropEdge();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.connections() >= 2 && cloud.edgeConnected());
        pods.lines.add("after the outage");
        cloud.requestLogs(44, "shop", "web-1", "main", "");
        await().until(() -> cloud.removed(44));
        assertThat(cloud.dataOf(44)).isEqualTo("after the outage\n");
    }
}
