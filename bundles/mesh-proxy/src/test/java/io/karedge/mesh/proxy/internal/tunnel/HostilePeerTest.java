package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that should not get anywhere: a certificate of another CA, a certificate of another node, garbage,
 * oversized frames and a flood of OPENs. Each is refused, costs bounded memory, and is logged once.
 */
class HostilePeerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EventLoopGroup group;
    private TestPki pki;
    TestNode b;
    private ByteEcho echo;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        pki = new TestPki("cluster-ca");
        b = new TestNode("b", pki.node("b"), group, "127.0.52.2", TunnelLimits.DEFAULTS.withMaxStreams(32));
        echo = new ByteEcho();
        b.endpoints.add(echo.port());
    }

    @AfterEach
    void stop() throws Exception {
        b.close();
        echo.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedAndLoggedOnce() throws Exception {
        TunnelCredentials stranger = new TestPki("other-ca").node("c");
        for (int i = 0; i < 5; i++) {
            Throwable failure = catchThrowable(() -> {
                try (RawPeer peer = new RawPeer(b.address(), stranger)) {
                    peer.hello("c");
                    assertThat(peer.closedByServer()).isTrue();
                }
            });
            // TLS 1.3 may report the refusal during the handshake or at the first read: both end the connection
            assertThat(failure == null || failure instanceof IOException).isTrue();
        }
        await().atMost(WAIT).until(() -> b.tunnel.refusals().refusals() >= 5);
        assertThat(b.tunnel.refusals().warnings()).isEqualTo(1);
        assertThat(b.tunnel.peers()).isEmpty();
    }

    @Test
    void aCertificateOfTheClusterCaForAnotherPurposeIsRefused() throws Exception {
        TunnelCredentials mail = pki.issue("CN=system:node:c,O=system:nodes", KeyPurposeId.id_kp_emailProtection);
        Throwable failure = catchThrowable(() -> {
            try (RawPeer peer = new RawPeer(b.address(), mail)) {
                peer.hello("c");
                assertThat(peer.closedByServer()).isTrue();
            }
        });
        assertThat(failure == null || failure instanceof IOException).isTrue();
        await().atMost(WAIT).until(() -> b.tunnel.refusals().refusals() >= 1);
        assertThat(b.tunnel.peers()).isEmpty();
    }

    @Test
    void nodeCertificatesForClientAuthenticationOnlyServeBothEnds() throws Exception {
        // CloudCore signs edge certificates with extended key usage clientAuth only; the accepting side must take them
        TestNode a = new TestNode("a", pki.node("a"), group, "127.0.52.1", TunnelLimits.DEFAULTS);
        try {
            assertThat(pki.node("x").chain().get(0).getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
            a.tunnel.peer("b", List.of(b.address()));
            await().atMost(WAIT).until(() -> a.tunnel.reachable("b"));
            assertThat(a.tunnel.refusals().refusals()).isZero();
        } finally {
            a.close();
        }
    }

    @Test
    void aDialledNodeWithAnotherNodesCertificateIsRefused() throws Exception {
        TestNode a = new TestNode("a", pki.node("a"), group, "127.0.52.1", TunnelLimits.DEFAULTS);
        TestNode c = new TestNode("c", pki.node("c"), group, "127.0.52.3", TunnelLimits.DEFAULTS);
        try {
            a.tunnel.peer("b", List.of(c.address())); // c answers where b is expected
            await().atMost(WAIT).until(() -> a.tunnel.refusals().refusals() >= 2);
            assertThat(a.tunnel.reachable("b")).isFalse();
            assertThat(a.tunnel.refusals().warnings()).isEqualTo(1);
            assertThat(a.tunnel.peers()).singleElement().satisfies(status -> {
                assertThat(status.connected()).isFalse();
                assertThat(status.error()).contains("certificate of node c where node b was dialled");
            });
        } finally {
            a.close();
            c.close();
        }
    }

    @Test
    void aHelloClaimingAnotherNodeIsRefused() throws Exception {
        try (RawPeer peer = new RawPeer(b.address(), pki.node("c"))) {
            peer.hello("a");
            assertThat(peer.closedByServer()).isTrue();
        }
        assertThat(b.tunnel.refusals().warnings()).isEqualTo(1);
        assertThat(b.tunnel.reachable("a")).isFalse();
        assertThat(b.tunnel.reachable("c")).isFalse();
    }

    @Test
    void garbageFramesCloseTheConnectionWithOneLogLine() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 5; i++) {
            try (RawPeer peer = new RawPeer(b.address(), pki.node("c"))) {
                peer.hello("c");
                assertThat(peer.readFrame()).as("HELLO back").containsExactly(FrameType.HELLO, 0);
                byte[] garbage = new byte[64];
                random.nextBytes(garbage);
                garbage[0] = (byte) 99; // no such frame type
                peer.raw(garbage);
                assertThat(peer.closedByServer()).isTrue();
            }
        }
        await().atMost(WAIT).until(() -> b.tunnel.refusals().refusals() >= 5);
        assertThat(b.tunnel.refusals().warnings()).isEqualTo(1);
    }

    @Test
    void anOversizedFrameIsRefusedBeforeItsPayloadArrives() throws Exception {
        try (RawPeer peer = new RawPeer(b.address(), pki.node("c"))) {
            peer.hello("c");
            peer.readFrame();
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(header);
            out.writeByte(FrameType.OPEN);
            out.writeInt(1);
            out.writeInt(512 * 1024 * 1024); // announces 512 MB, sends none of it
            peer.raw(header.toByteArray());
            assertThat(peer.closedByServer()).isTrue();
        }
    }

    @Test
    void framesBeforeHelloAndPlainBytesAreRefused() throws Exception {
        try (RawPeer peer = new RawPeer(b.address(), pki.node("c"))) {
            peer.frame(FrameType.PING, 0, new byte[8]);
            peer.flush();
            assertThat(peer.closedByServer()).isTrue();
        }
        try (Socket plain = new Socket(b.address().getAddress(), b.address().getPort())) {
            plain.setSoTimeout(20_000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(catchThrowable(() -> {
                while (plain.getInputStream().read() >= 0) {
                    // the TLS alert, if any
                }
            })).satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(IOException.class));
        }
        await().atMost(WAIT).until(() -> b.tunnel.refusals().refusals() >= 2);
    }

    @Test
    void aFloodOfOpensIsBoundedByTheStreamLimit() throws Exception {
        int opens = 2000;
        try (RawPeer peer = new RawPeer(b.address(), pki.node("c"))) {
            peer.hello("c");
            assertThat(peer.readFrame()).containsExactly(FrameType.HELLO, 0);
            byte[] open = openPayload(echo.port());
            for (int i = 0; i < opens; i++) {
                peer.frame(FrameType.OPEN, 2 * i + 1, open);
            }
            peer.flush();
            int ok = 0;
            int failed = 0;
            while (ok + failed < opens) {
                int[] frame = peer.readFrame();
                assertThat(frame).isNotNull();
                if (frame[0] == FrameType.OPEN_OK) {
                    ok++;
                } else if (frame[0] == FrameType.OPEN_FAIL) {
                    failed++;
                }
            }
            assertThat(ok).isBetween(1, 32);
            assertThat(failed).isEqualTo(opens - ok);
            assertThat(b.tunnel.connection("c").streamCount()).isLessThanOrEqualTo(32);
            assertThat(echo.accepted.get()).isLessThanOrEqualTo(32);
            assertThat(b.tunnel.refusals().warnings()).isEqualTo(1);
        }
        // the node still works for a well-behaved peer
        TestNode a = new TestNode("a", pki.node("a"), group, "127.0.52.1", TunnelLimits.DEFAULTS);
        try {
            a.dial(b);
            await().atMost(WAIT).until(() -> a.tunnel.reachable("b"));
            int entry = a.entry("b", echo.port());
            assertThat(TunnelTest.exchange(entry, "fine".getBytes(StandardCharsets.UTF_8)))
                    .asString(StandardCharsets.UTF_8).isEqualTo("fine");
        } finally {
            a.close();
        }
    }

    @Test
    void anOpenThePeerNeverAnswersFailsAtItsLimitIsResetAndTheConnectionStays() throws Exception {
        try (RawPeer peer = new RawPeer(b.address(), pki.node("c"))) {
            peer.hello("c");
            assertThat(peer.readFrame()).containsExactly(FrameType.HELLO, 0);
            await().atMost(WAIT).until(() -> b.tunnel.reachable("c"));
            int entry = b.entry("c", 7, 300);
            int[] open;
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), entry)) {
                client.setSoTimeout(20_000);
                open = nextExceptPing(peer);
                assertThat(open[0]).as("frame type").isEqualTo(FrameType.OPEN);
                long opened = System.nanoTime();
                // the peer stays silent: the open fails at its limit, long before the idle limit (15 s)
                assertThat(nextExceptPing(peer)).as("the frame after the unanswered OPEN")
                        .containsExactly(FrameType.RST, open[1]);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened)).isBetween(200L, 10_000L);
                assertThat(client.getInputStream().read()).as("the client's connection").isEqualTo(-1);
                assertThat(b.openFailures).hasValue(1);
            }
            // a late answer finds no stream; the connection goes on
            peer.frame(FrameType.OPEN_OK, open[1], new byte[0]);
            peer.frame(FrameType.PING, 0, new byte[8]);
            peer.flush();
            assertThat(nextExceptPing(peer)).containsExactly(FrameType.PONG, 0);
            assertThat(b.tunnel.connection("c").streamCount()).isZero();
            assertThat(b.tunnel.reachable("c")).isTrue();
            assertThat(b.tunnel.refusals().warnings()).isZero();
        }
    }

    @Test
    void anOpenAnsweredInTimeOutlivesItsLimit() throws Exception {
        try (RawPeer peer = new RawPeer(b.address(), pki.node("c"))) {
            peer.hello("c");
            assertThat(peer.readFrame()).containsExactly(FrameType.HELLO, 0);
            await().atMost(WAIT).until(() -> b.tunnel.reachable("c"));
            int entry = b.entry("c", 7, 300);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), entry)) {
                int[] open = nextExceptPing(peer);
                assertThat(open[0]).as("frame type").isEqualTo(FrameType.OPEN);
                peer.frame(FrameType.OPEN_OK, open[1], new byte[0]);
                peer.flush();
                Thread.sleep(900); // three times the limit
                peer.frame(FrameType.PING, 0, new byte[8]);
                peer.flush();
                assertThat(nextExceptPing(peer)).as("the frame after the limit passed (no RST)")
                        .containsExactly(FrameType.PONG, 0);
                assertThat(b.tunnel.connection("c").streamCount()).isEqualTo(1);
                assertThat(b.openFailures).hasValue(0);
            }
        }
    }

    /** @return the next frame other than a PING (a keepalive may come at any time) */
    private static int[] nextExceptPing(RawPeer peer) throws IOException {
        int[] frame;
        do {
            frame = peer.readFrame();
            assertThat(frame).as("a frame before the connection closed").isNotNull();
        } while (frame[0] == FrameType.PING);
        return frame;
    }

    private static byte[] openPayload(int port) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(0);
        writeString(out, "default");
        writeString(out, "echo");
        out.writeShort(80);
        writeString(out, "127.0.0.1");
        out.writeShort(port);
        writeString(out, "");
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    @Test
    void aHandshakeSlowerThanTheIdleLimitRunsUntilTheHandshakeDeadline() throws Exception {
        // idle after 150 ms, handshake within 1.5 s; the far end accepts TCP and never answers the ClientHello
        TunnelLimits limits = new TunnelLimits(8, 64 * 1024, 64 * 1024, 50, 150, 1500, 1000);
        try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getByName("127.0.52.9"));
             TestNode a = new TestNode("a", pki.node("a"), group, "127.0.52.1", limits)) {
            a.tunnel.peer("m", List.of(new InetSocketAddress("127.0.52.9", mute.getLocalPort())));
            Socket held = mute.accept();
            await().atMost(WAIT).until(() -> a.tunnel.peers().stream().anyMatch(p -> p.error() != null));
            assertThat(a.tunnel.peers().get(0).error()).contains("no TLS handshake and HELLO within 1500 ms");
            held.close();
        }
    }
}
