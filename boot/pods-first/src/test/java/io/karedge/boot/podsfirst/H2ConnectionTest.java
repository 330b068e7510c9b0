package io.karedge.boot.podsfirst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/2 client against a peer on a unix socket that writes frames by hand: preface and SETTINGS, header
 * blocks split over CONTINUATION with padding and priority, Huffman-coded and indexed fields, flow control,
 * PING, RST_STREAM, GOAWAY and a lost connection.
 */
class H2ConnectionTest {

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private SocketChannel peer;
    private H2Connection client;

    record Frame(int type, int flags, int stream, byte[] payload) {
    }

    @BeforeEach
    void connect() throws Exception {
        Path socket = dir.resolve("h2.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        client = H2Connection.unix(socket);
        peer = accepted.get(5, TimeUnit.SECONDS);
        byte[] preface = read(H2Connection.PREFACE.length);
        assertThat(preface).isEqualTo(H2Connection.PREFACE);
        Frame settings = readFrame();
        assertThat(settings.type()).isEqualTo(H2Connection.SETTINGS);
        assertThat(settings.payload()).hasSize(12);
        Frame window = readFrame();
        assertThat(window.type()).isEqualTo(H2Connection.WINDOW_UPDATE);
        // the peer's own settings: small frames (so a header block must be split), its ACK expected
        write(H2Connection.SETTINGS, 0, 0, ByteBuffer.allocate(6).putShort((short) 5).putInt(16_384).array());
        Frame ack = readFrame();
        assertThat(ack.type()).isEqualTo(H2Connection.SETTINGS);
        assertThat(ack.flags()).isEqualTo(H2Connection.FLAG_ACK);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        peer.close();
        server.close();
    }

    private byte[] read(int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (peer.read(buffer) < 0) {
                throw new EOFException();
            }
        }
        return buffer.array();
    }

    private Frame readFrame() throws IOException {
        ByteBuffer header = ByteBuffer.wrap(read(9));
        int length = ((header.get() & 0xff) << 16) | ((header.get() & 0xff) << 8) | (header.get() & 0xff);
        int type = header.get() & 0xff;
        int flags = header.get() & 0xff;
        int stream = header.getInt();
        return new Frame(type, flags, stream, read(length));
    }

    /** Reads frames until one of the type, skipping WINDOW_UPDATE and SETTINGS ACK. */
    private Frame readFrame(int type) throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    private void write(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream).put(payload).flip();
        while (frame.hasRemaining()) {
            peer.write(frame);
        }
    }

    private CompletableFuture<H2Connection.Response> request(byte[] body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.exchange(List.of(new Hpack.Field(":method", "POST"), new Hpack.Field(":path", "/x")),
                        body, 5000);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void answerSplitOverContinuationWithPaddingAndTrailers() throws Exception {
        CompletableFuture<H2Connection.Response> response = request(new byte[] {1, 2, 3});
        Frame headers = readFrame(H2Connection.HEADERS);
        assertThat(headers.stream()).isEqualTo(1);
        assertThat(headers.flags() & H2Connection.FLAG_END_HEADERS).isNotZero();
        assertThat(new Hpack.Decoder(4096).decode(headers.payload())).contains(new Hpack.Field(":path", "/x"));
        Frame data = readFrame(H2Connection.DATA);
        assertThat(data.payload()).containsExactly(1, 2, 3);
        assertThat(data.flags() & H2Connection.FLAG_END_STREAM).isNotZero();

        // response headers: ":status: 200" indexed, then a Huffman-coded literal added to the table, split in two
        // frames; the HEADERS frame padded (2 octets) and with a priority block
        byte[] block = hex("88 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");
        byte[] first = new byte[1 + 5 + 4 + 2];
        first[0] = 2;
        System.arraycopy(block, 0, first, 6, 4);
        write(H2Connection.HEADERS, H2Connection.FLAG_PADDED | H2Connection.FLAG_PRIORITY, 1, first);
        write(H2Connection.CONTINUATION, H2Connection.FLAG_END_HEADERS, 1,
                java.util.Arrays.copyOfRange(block, 4, block.length));
        // padded DATA, then trailers that use the dynamic table entry (index 62)
        write(H2Connection.DATA, H2Connection.FLAG_PADDED, 1, new byte[] {3, 7, 8, 0, 0, 0});
        write(H2Connection.DATA, 0, 1, new byte[] {9});
        assertThat(readFrame(H2Connection.WINDOW_UPDATE).payload()).hasSize(4);
        write(H2Connection.HEADERS, H2Connection.FLAG_END_HEADERS | H2Connection.FLAG_END_STREAM, 1,
                hex("be 0f 2b 01 30"));
        H2Connection.Response answer = response.get(5, TimeUnit.SECONDS);
        assertThat(answer.field(":status")).isEqualTo("200");
        assertThat(answer.headerBlocks()).hasSize(2);
        assertThat(answer.headerBlocks().get(1)).containsExactly(new Hpack.Field("custom-key", "custom-value"),
                new Hpack.Field("user-agent", "0"));
        assertThat(answer.body()).containsExactly(7, 8, 9);
    }

    @Test
    void pingIsAnsweredAndConcurrentStreamsEndIndependently() throws Exception {
        write(H2Connection.PING, 0, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Frame pong = readFrame(H2Connection.PING);
        assertThat(pong.flags()).isEqualTo(H2Connection.FLAG_ACK);
        assertThat(pong.payload()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);

        CompletableFuture<H2Connection.Response> a = request(new byte[0]);
        Frame headersA = readFrame(H2Connection.HEADERS);
        assertThat(headersA.flags() & H2Connection.FLAG_END_STREAM).isNotZero();
        CompletableFuture<H2Connection.Response> b = request(new byte[0]);
        Frame headersB = readFrame(H2Connection.HEADERS);
        assertThat(List.of(headersA.stream(), headersB.stream())).containsExactlyInAnyOrder(1, 3);
        write(H2Connection.RST_STREAM, 0, headersA.stream(), ByteBuffer.allocate(4).putInt(2).array());
        write(H2Connection.HEADERS, H2Connection.FLAG_END_HEADERS | H2Connection.FLAG_END_STREAM, headersB.stream(),
                hex("89"));
        assertThat(b.get(5, TimeUnit.SECONDS).field(":status")).isEqualTo("204");
        assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasMessageContaining("reset the stream (error code 2)");
    }

    @Test
    void dataWaitsForTheFlowControlWindow() throws Exception {
        // the peer opens no window for new streams: the body waits until a WINDOW_UPDATE
        write(H2Connection.SETTINGS, 0, 0, ByteBuffer.allocate(6).putShort((short) 4).putInt(0).array());
        readFrame(H2Connection.SETTINGS);
        CompletableFuture<H2Connection.Response> response = request(new byte[] {5, 6});
        Frame headers = readFrame(H2Connection.HEADERS);
        Thread.sleep(200);
        write(H2Connection.WINDOW_UPDATE, 0, headers.stream(), ByteBuffer.allocate(4).putInt(1).array());
        assertThat(readFrame(H2Connection.DATA).payload()).containsExactly(5);
        write(H2Connection.WINDOW_UPDATE, 0, headers.stream(), ByteBuffer.allocate(4).putInt(10).array());
        Frame last = readFrame(H2Connection.DATA);
        assertThat(last.payload()).containsExactly(6);
        assertThat(last.flags() & H2Connection.FLAG_END_STREAM).isNotZero();
        write(H2Connection.HEADERS, H2Connection.FLAG_END_HEADERS | H2Connection.FLAG_END_STREAM, headers.stream(),
                hex("88"));
        assertThat(response.get(5, TimeUnit.SECONDS).field(":status")).isEqualTo("200");
    }

    @Test
    void goAwayFailsLaterStreamsAndRefusesNewOnes() throws Exception {
        CompletableFuture<H2Connection.Response> response = request(new byte[0]);
        readFrame(H2Connection.HEADERS);
        write(H2Connection.GOAWAY, 0, 0, ByteBuffer.allocate(8).putInt(0).putInt(0).array());
        assertThatThrownBy(() -> response.get(5, TimeUnit.SECONDS)).hasMessageContaining("GOAWAY");
        assertThatThrownBy(() -> request(new byte[0]).get(5, TimeUnit.SECONDS)).hasMessageContaining("going away");
    }

    @Test
    void silenceEndsInATimeoutAndAReset() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
            try {
                client.exchange(List.of(new Hpack.Field(":path", "/slow")), new byte[0], 300);
            } catch (TimeoutException e) {
                failures.add(e);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Frame headers = readFrame(H2Connection.HEADERS);
        Frame reset = readFrame(H2Connection.RST_STREAM);
        assertThat(reset.stream()).isEqualTo(headers.stream());
        assertThat(ByteBuffer.wrap(reset.payload()).getInt()).isEqualTo(0x8);
        call.get(5, TimeUnit.SECONDS);
        assertThat(failures).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("within 300 ms"));
    }

    @Test
    void lostConnectionFailsOpenStreams() throws Exception {
        CompletableFuture<H2Connection.Response> response = request(new byte[0]);
        readFrame(H2Connection.HEADERS);
        peer.close();
        assertThatThrownBy(() -> response.get(5, TimeUnit.SECONDS)).hasMessageContaining("closed the connection");
    }

    @Test
    void grpcStatusAndMessageComeFromTheTrailers() throws Exception {
        H2Connection.Response failed = new H2Connection.Response(List.of(
                List.of(new Hpack.Field(":status", "200")),
                List.of(new Hpack.Field("grpc-status", "5"), new Hpack.Field("grpc-message", "no%20such%20pod"))),
                new byte[0]);
        assertThatThrownBy(() -> GrpcClient.message("/m", failed)).isInstanceOf(GrpcException.class)
                .hasMessage("gRPC status 5: no such pod");
        H2Connection.Response ok = new H2Connection.Response(List.of(
                List.of(new Hpack.Field(":status", "200")), List.of(new Hpack.Field("grpc-status", "0"))),
                GrpcClient.frame(new byte[] {0x0a, 0x01, 0x61}));
        assertThat(GrpcClient.message("/m", ok)).containsExactly(0x0a, 0x01, 0x61);
        H2Connection.Response notGrpc = new H2Connection.Response(List.of(
                List.of(new Hpack.Field(":status", "404"))), new byte[0]);
        assertThatThrownBy(() -> GrpcClient.message("/m", notGrpc)).hasMessageContaining("HTTP status 404");
    }
}
