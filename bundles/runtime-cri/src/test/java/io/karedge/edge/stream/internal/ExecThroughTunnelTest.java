package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl exec} and {@code attach} through the stream tunnel into a pod on a real containerd. The test
 * plays CloudCore's end of the tunnel and the API server behind it: it sends the {@code EXEC_CONNECT} message
 * with the upgrade request as cloudStream forwards it, then speaks the kubelet's remote command protocol
 * (WebSocket, {@code v4.channel.k8s.io}) inside the tunnel's {@code DATA} messages, to containerd's own
 * streaming server. Needs {@code KAREDGE_CRI_SOCKET} (see {@code .ci/containerd.sh start}).
 */
@Timeout(120)
class ExecThroughTunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path data;

    private final List<TunnelMessage> sent = new CopyOnWriteArrayList<>();
    private TunnelOnContainerd edge;
    private TunnelSession session;

    @BeforeEach
    void start() {
        edge = TunnelOnContainerd.start(data, sent::add, "shell", "stdin: true",
                "command: [sh, -c, 'echo ready; while read line; do echo \"main:$line\"; done; sleep 3600']");
        session = edge.session;
    }

    @AfterEach
    void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void execWithStdinRoundTrip() {
        session.onMessage(connect(21, MessageType.EXEC_CONNECT, "/exec/karedge-test/shell/main",
                "command=sh&command=-c&command=read+x%3B+echo+got%3A%24x%3B+echo+oops+%3E%262&input=1&output=1&error=1"));
        RemoteCommand remote = new RemoteCommand(21);
        await().atMost(WAIT).until(remote::upgraded);
        assertThat(remote.head()).startsWith("HTTP/1.1 101").containsIgnoringCase("v4.channel.k8s.io");

        session.onMessage(remote.stdin("hello tunnel\n"));

        await().atMost(WAIT).until(() -> remote.channel(1).contains("got:hello tunnel"));
        await().atMost(WAIT).until(() -> remote.channel(2).contains("oops"));
        await().atMost(WAIT).until(() -> remote.channel(3).contains("Success"));
        await().atMost(WAIT).until(() -> removed(21));
    }

    @Test
    void aFailingCommandReportsItsExitCode() {
        session.onMessage(connect(22, MessageType.EXEC_CONNECT, "/exec/karedge-test/shell/main",
                "command=sh&command=-c&command=exit+3&output=1"));
        RemoteCommand remote = new RemoteCommand(22);
        await().atMost(WAIT).until(() -> remote.channel(3).contains("NonZeroExitCode"));
        assertThat(remote.channel(3)).contains("\"ExitCode\"").contains("\"3\"");
        await().atMost(WAIT).until(() -> removed(22));
    }

    @Test
    void attachReachesTheMainProcess() {
        session.onMessage(connect(23, MessageType.ATTACH_CONNECT, "/attach/karedge-test/shell/main",
                "input=1&output=1"));
        RemoteCommand remote = new RemoteCommand(23);
        await().atMost(WAIT).until(remote::upgraded);
        session.onMessage(remote.stdin("attached\n"));
        await().atMost(WAIT).until(() -> remote.channel(1).contains("main:attached"));
        // the client goes away: the edge closes the runtime's stream and says it is done
        session.onMessage(TunnelMessage.of(23, MessageType.REMOVE_CONNECT, new byte[0]).encode());
        await().atMost(WAIT).until(() -> removed(23));
        assertThat(session.openStreams()).isZero();
    }

    @Test
    void aClosedStreamEndsTheCommand() {
        session.onMessage(connect(24, MessageType.EXEC_CONNECT, "/exec/karedge-test/shell/main",
                "command=sleep&command=300&output=1"));
        RemoteCommand remote = new RemoteCommand(24);
        await().atMost(WAIT).until(remote::upgraded);
        session.onMessage(TunnelMessage.of(24, MessageType.REMOVE_CONNECT, new byte[0]).encode());
        await().atMost(WAIT).until(() -> removed(24));
        assertThat(session.openStreams()).isZero();
    }

    @Test
    void aPodThatDoesNotExistIsAnHttpErrorInTheStream() {
        session.onMessage(connect(25, MessageType.EXEC_CONNECT, "/exec/karedge-test/nope/main",
                "command=sh&input=1&output=1"));
        session.onMessage(connect(26, MessageType.EXEC_CONNECT, "/exec/karedge-test/shell/other",
                "command=sh&output=1"));
        await().atMost(WAIT).until(() -> removed(25) && removed(26));
        assertThat(text(25)).startsWith("HTTP/1.1 404 Not Found\r\n")
                .endsWith("pods \"nope\" not found in namespace \"karedge-test\"\n");
        assertThat(text(26)).startsWith("HTTP/1.1 404 Not Found\r\n")
                .contains("container other is not valid for pod shell");
    }

    // ---------------------------------------------------------------- the cloud's end

    private static byte[] connect(long id, MessageType type, String path, String query) {
        String key = Base64.getEncoder().encodeToString("karedge-test-key".getBytes(StandardCharsets.US_ASCII));
        String json = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Host\":\"127.0.0.1:10350\",\"Path\":\""
                + path + "\",\"RawQuery\":\"" + query + "\"},\"header\":{\"Connection\":[\"Upgrade\"],"
                + "\"Upgrade\":[\"websocket\"],\"Sec-Websocket-Version\":[\"13\"],\"Sec-Websocket-Key\":[\"" + key
                + "\"],\"Sec-Websocket-Protocol\":[\"v4.channel.k8s.io\"]},\"method\":\"GET\"}";
        return TunnelMessage.of(id, type, json.getBytes(StandardCharsets.UTF_8)).encode();
    }

    private boolean removed(long id) {
        return sent.stream().anyMatch(m -> m.connectionId() == id && m.type() == MessageType.REMOVE_CONNECT);
    }

    private byte[] bytes(long id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TunnelMessage message : sent) {
            if (message.connectionId() == id && message.type() == MessageType.DATA) {
                out.writeBytes(message.data());
            }
        }
        return out.toByteArray();
    }

    private String text(long id) {
        return new String(bytes(id), StandardCharsets.UTF_8);
    }

    /** The API server's side of one remote command stream: the upgrade response, then WebSocket frames. */
    private final class RemoteCommand {
        private final long id;

        RemoteCommand(long id) {
            this.id = id;
        }

        private int headEnd(byte[] all) {
            for (int i = 3; i < all.length; i++) {
                if (all[i - 3] == '\r' && all[i - 2] == '\n' && all[i - 1] == '\r' && all[i] == '\n') {
                    return i + 1;
                }
            }
            return -1;
        }

        boolean upgraded() {
            return headEnd(bytes(id)) > 0;
        }

        String head() {
            byte[] all = bytes(id);
            int end = headEnd(all);
            return end < 0 ? "" : new String(all, 0, end, StandardCharsets.ISO_8859_1);
        }

        /** @return what arrived so far on one channel (1 stdout, 2 stderr, 3 error/status) */
        String channel(int channel) {
            byte[] all = bytes(id);
            int at = headEnd(all);
            if (at < 0) {
                return "";
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] payload : frames(all, at)) {
                if (payload.length > 0 && payload[0] == channel) {
                    out.write(payload, 1, payload.length - 1);
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        private List<byte[]> frames(byte[] all, int at) {
            List<byte[]> payloads = new ArrayList<>();
            while (at + 2 <= all.length) {
                int opcode = all[at] & 0x0f;
                long length = all[at + 1] & 0x7f;
                int header = 2;
                if (length == 126) {
                    if (at + 4 > all.length) {
                        break;
                    }
                    length = ((all[at + 2] & 0xff) << 8) | (all[at + 3] & 0xff);
                    header = 4;
                } else if (length == 127) {
                    if (at + 10 > all.length) {
                        break;
                    }
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | (all[at + 2 + i] & 0xff);
                    }
                    header = 10;
                }
                if (at + header + length > all.length) {
                    break; // the rest of this frame has not arrived yet
                }
                byte[] payload = new byte[(int) length];
                System.arraycopy(all, at + header, payload, 0, (int) length);
                if (opcode == 1 || opcode == 2) {
                    payloads.add(payload);
                }
                at += header + (int) length;
            }
            return payloads;
        }

        /** @return a DATA message carrying one masked client frame of stdin (channel 0) */
        byte[] stdin(String text) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[body.length + 1];
            System.arraycopy(body, 0, payload, 1, body.length);
            assertThat(payload.length).isLessThan(126);
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            byte[] frame = new byte[2 + 4 + payload.length];
            frame[0] = (byte) 0x82;
            frame[1] = (byte) (0x80 | payload.length);
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            return TunnelMessage.of(id, MessageType.DATA, frame).encode();
        }
    }
}
