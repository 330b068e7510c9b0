package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tunnel's framing and the log requests CloudCore forwards, against the pod manager's view. */
@Timeout(30)
class TunnelSessionTest {

    /** One container "shop/web-1/main" whose log grows; line i sits at offset i. */
    private static final class FakePods implements PodManagerStatus {
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
            if (!namespace.equals("shop") || !name.equals("web-1") || !container.equals("main")) {
                return LogChunk.missing();
            }
            List<String> from = new ArrayList<>(lines.subList((int) Math.min(offset, lines.size()), lines.size()));
            List<String> part = from.subList(0, Math.min(from.size(), 3));
            return new LogChunk(part, offset + part.size(), true);
        }
    }

    private final FakePods pods = new FakePods();
    private final List<TunnelMessage> sent = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final TunnelSession session = new TunnelSession(pods, message -> sent.add(message), executor,
            Duration.ofMillis(20));

    @AfterEach
    void stop() {
        session.close();
        executor.shutdownNow();
    }

    private static byte[] connect(long id, MessageType type, String path, String query) {
        String json = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Opaque\":\"\",\"User\":null,\"Host\":"
                + "\"127.0.0.1:10350\",\"Path\":\"" + path + "\",\"RawPath\":\"\",\"OmitHost\":false,\"ForceQuery\":"
                + "false,\"RawQuery\":\"" + query + "\",\"Fragment\":\"\",\"RawFragment\":\"\"},\"header\":"
                + "{\"User-Agent\":[\"kubectl\"]}}";
        return TunnelMessage.of(id, type, json.getBytes(StandardCharsets.UTF_8)).encode();
    }

    private String dataOf(long id) {
        StringBuilder text = new StringBuilder();
        for (TunnelMessage message : sent) {
            if (message.connectionId() == id && message.type() == MessageType.DATA) {
                text.append(new String(message.data(), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    private boolean removed(long id) {
        return sent.stream().anyMatch(m -> m.connectionId() == id && m.type() == MessageType.REMOVE_CONNECT);
    }

    @Test
    void framingIsTwoUvarintsThenThePayload() {
        TunnelMessage message = TunnelMessage.of(300, MessageType.DATA, "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(message.encode()).containsExactly(0xac, 0x02, 0x03, 'h', 'i');
        assertThat(TunnelMessage.decode(message.encode())).isEqualTo(message);
        assertThat(TunnelMessage.decode(new byte[] {7, 4}).type()).isEqualTo(MessageType.REMOVE_CONNECT);
        assertThat(TunnelMessage.decode(TunnelMessage.of(-1L, MessageType.ATTACH_CONNECT, new byte[0]).encode())
                .connectionId()).isEqualTo(-1L);
        assertThatThrownBy(() -> TunnelMessage.decode(new byte[] {(byte) 0x80})).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelMessage.decode(new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logsWithTailAreSentAndTheStreamEnds() {
        for (int i = 1; i <= 10; i++) {
            pods.lines.add("line " + i);
        }
        session.onMessage(connect(5, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "tailLines=2"));
        await().until(() -> removed(5));
        assertThat(dataOf(5)).isEqualTo("line 9\nline 10\n");
        assertThat(session.openStreams()).isZero();
    }

    @Test
    void followSendsNewLinesUntilTheCloudRemovesTheConnection() {
        pods.lines.add("first");
        session.onMessage(connect(6, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "follow=true"));
        await().until(() -> dataOf(6).equals("first\n"));
        pods.lines.add("second");
        await().until(() -> dataOf(6).equals("first\nsecond\n"));
        assertThat(removed(6)).isFalse();
        session.onMessage(TunnelMessage.of(6, MessageType.REMOVE_CONNECT, new byte[0]).encode());
        await().until(() -> removed(6));
        pods.lines.add("third");
        assertThat(dataOf(6)).doesNotContain("third");
    }

    @Test
    void aPodThatDoesNotExistIsReportedAndTheStreamEnds() {
        session.onMessage(connect(7, MessageType.LOGS_CONNECT, "/containerLogs/shop/nope/main", "follow=true"));
        await().until(() -> removed(7));
        assertThat(dataOf(7)).isEqualTo("pods \"nope\" not found in namespace \"shop\"\n");
    }

    @Test
    void badRequestsAreAnsweredNotDropped() {
        session.onMessage(connect(8, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1", ""));
        session.onMessage(connect(9, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "tailLines=-3"));
        session.onMessage(TunnelMessage.of(10, MessageType.LOGS_CONNECT, "{not json".getBytes(StandardCharsets.UTF_8))
                .encode());
        session.onMessage(connect(11, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main", "command=sh"));
        session.onMessage(new byte[] {(byte) 0xff});
        session.onMessage(TunnelMessage.decode(new byte[] {12, 99}).encode());
        await().until(() -> removed(8) && removed(9) && removed(10) && removed(11));
        assertThat(dataOf(8)).startsWith("bad request: expected /containerLogs/");
        assertThat(dataOf(9)).contains("tailLines must be a non-negative integer");
        assertThat(dataOf(10)).startsWith("bad request: the connect request is not JSON");
        assertThat(dataOf(11)).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("bad request: at least one of stdin, stdout and stderr must be wanted\n");
        assertThat(sent).noneMatch(m -> m.connectionId() == 12);
    }
}
