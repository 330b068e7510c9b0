package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void aFrameArrivingByteByByteIsDecodedWhole() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        ByteBuf wire = Unpooled.buffer().writeByte(FrameType.DATA).writeInt(7).writeInt(5)
                .writeBytes("hello".getBytes(StandardCharsets.US_ASCII));
        while (wire.isReadable()) {
            channel.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        Frame frame = channel.readInbound();
        assertThat(frame.type()).isEqualTo(FrameType.DATA);
        assertThat(frame.streamId()).isEqualTo(7);
        assertThat(frame.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        frame.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void theEncoderWritesTheHeaderAndThePayloadUncopied() {
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        ByteBuf payload = Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII);
        channel.writeOutbound(new Frame(FrameType.DATA, 3, payload));
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        assertThat(header.readByte()).isEqualTo(FrameType.DATA);
        assertThat(header.readInt()).isEqualTo(3);
        assertThat(header.readInt()).isEqualTo(3);
        assertThat(body).isSameAs(payload);
        header.release();
        body.release();
        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void impossibleHeadersAreRefusedAtOnce() {
        assertRefused(99, 1, 0, "unknown frame type 99");
        assertRefused(FrameType.PING, 5, 8, "PING on stream 5");
        assertRefused(FrameType.DATA, 0, 1, "DATA on stream 0");
        assertRefused(FrameType.DATA, 1, FrameDecoder.MAX_DATA_PAYLOAD + 1, "DATA of 65537 bytes");
        assertRefused(FrameType.OPEN, 1, FrameDecoder.MAX_CONTROL_PAYLOAD + 1, "OPEN of 2049 bytes");
    }

    @Test
    void windowFramesGoOnStreamsAndOnStreamZero() {
        for (int stream : new int[] {0, 5}) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
            channel.writeInbound(Unpooled.buffer().writeByte(FrameType.WINDOW).writeInt(stream).writeInt(4).writeInt(1024));
            Frame frame = channel.readInbound();
            assertThat(frame.streamId()).isEqualTo(stream);
            frame.release();
            channel.finishAndReleaseAll();
        }
    }

    private static void assertRefused(int type, int stream, int length, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        ByteBuf header = Unpooled.buffer().writeByte(type).writeInt(stream).writeInt(length);
        assertThatThrownBy(() -> channel.writeInbound(header))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(TunnelProtocolException.class).hasMessageContaining(message);
        channel.finishAndReleaseAll();
    }

    @Test
    void anOpenRequestSurvivesTheWire() {
        OpenRequest request = new OpenRequest(true, "shop", "cart", 8080, "10.244.1.7", 9090, "relay-1");
        Frame frame = request.encode(ByteBufAllocator.DEFAULT, 41);
        assertThat(frame.streamId()).isEqualTo(41);
        assertThat(OpenRequest.decode(frame.payload())).isEqualTo(request);
        frame.release();
    }

    @Test
    void truncatedOrPaddedPayloadsAreProtocolErrors() {
        Frame frame = OpenRequest.tcp("ns", "svc", 80, "127.0.0.1", 81).encode(ByteBufAllocator.DEFAULT, 1);
        ByteBuf cut = frame.payload().slice(0, frame.payload().readableBytes() - 3);
        assertThatThrownBy(() -> OpenRequest.decode(cut)).isInstanceOf(TunnelProtocolException.class);
        frame.release();

        Frame hello = new Hello(1, "node-a").encode(ByteBufAllocator.DEFAULT);
        ByteBuf padded = Unpooled.wrappedBuffer(hello.payload(), Unpooled.wrappedBuffer(new byte[] {0}));
        assertThatThrownBy(() -> Hello.decode(padded)).isInstanceOf(TunnelProtocolException.class)
                .hasMessageContaining("too many");
        padded.release();

        ByteBuf transport = Unpooled.buffer().writeByte(7);
        assertThatThrownBy(() -> OpenRequest.decode(transport)).hasMessageContaining("transport 7");
    }

    @Test
    void theNodeNameComesFromTheCertificateSubject() throws Exception {
        TestPki pki = new TestPki("ca");
        assertThat(pki.node("edge-1").nodeName()).isEqualTo("edge-1");
        assertThat(NodeIdentity.of(pki.issue("CN=standalone-2,O=lab").chain().get(0))).isEqualTo("standalone-2");
        assertThat(NodeIdentity.of(pki.issue("O=nobody").chain().get(0))).isEmpty();
    }
}
