package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes' tunnels on loopback (127.0.51.1 and 127.0.51.2), streams to byte echo servers. */
class TunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EventLoopGroup group;
    private TestPki pki;
    private TestNode a;
    private TestNode b;
    private ByteEcho echoOnB;
    private ByteEcho echoOnA;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        pki = new TestPki("cluster-ca");
        a = new TestNode("a", pki.node("a"), group, "127.0.51.1", TunnelLimits.DEFAULTS);
        b = new TestNode("b", pki.node("b"), group, "127.0.51.2", TunnelLimits.DEFAULTS);
        echoOnB = new ByteEcho();
        echoOnA = new ByteEcho();
        b.endpoints.add(echoOnB.port());
        a.endpoints.add(echoOnA.port());
        a.dial(b);
        await().atMost(WAIT).until(() -> a.tunnel.reachable("b") && b.tunnel.reachable("a"));
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
        echoOnA.close();
        echoOnB.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void streamsGoBothWaysOverTheOneConnection() throws Exception {
        int toB = a.entry("b", echoOnB.port());
        int toA = b.entry("a", echoOnA.port());

        assertThat(exchange(toB, "hello b".getBytes(StandardCharsets.UTF_8))).asString(StandardCharsets.UTF_8)
                .isEqualTo("hello b");
        assertThat(exchange(toA, "hello a".getBytes(StandardCharsets.UTF_8))).asString(StandardCharsets.UTF_8)
                .isEqualTo("hello a");
        assertThat(echoOnB.accepted).hasValue(1);
        assertThat(echoOnA.accepted).hasValue(1);
        // b has no link of its own: its stream went over the connection a dialled
        assertThat(b.tunnel.linkedPeers()).isEmpty();
        PeerStatus seenFromA = a.tunnel.peers().get(0);
        assertThat(seenFromA.node()).isEqualTo("b");
        assertThat(seenFromA.outbound()).isTrue();
        assertThat(seenFromA.bytesOut()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void bothEndsAgreeOnAes128Gcm() {
        assertThat(cipherSuite(a.tunnel.connection("b"))).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(cipherSuite(b.tunnel.connection("a"))).isEqualTo("TLS_AES_128_GCM_SHA256");
    }

    @Test
    void theTunnelRunsOnOpenSslWhenItLoads() {
        assertThat(a.tunnel.tlsEngine()).startsWith("OpenSSL");
        assertThat(a.tunnel.connection("b").channel().pipeline().get(SslHandler.class).engine())
                .isInstanceOf(io.netty.handler.ssl.ReferenceCountedOpenSslEngine.class);
    }

    @Test
    void aNodeOnTheJdkEngineAndOneOnOpenSslTalk() throws Exception {
        TestNode.engine = TlsEngine.JDK;
        TestNode c;
        try {
            c = new TestNode("c", pki.node("c"), group, "127.0.51.3", TunnelLimits.DEFAULTS);
        } finally {
            TestNode.engine = TlsEngine.AUTO;
        }
        try {
            assertThat(c.tunnel.tlsEngine()).isEqualTo("JDK");
            c.endpoints.add(echoOnA.port());
            b.endpoints.add(echoOnB.port());
            c.dial(b);
            a.dial(c);
            await().atMost(WAIT).until(() -> c.tunnel.reachable("b") && a.tunnel.reachable("c"));
            byte[] payload = new byte[1024 * 1024 + 3];
            new Random(11).nextBytes(payload);
            assertSame(exchange(c.entry("b", echoOnB.port()), payload), payload);
            assertSame(exchange(a.entry("c", echoOnA.port()), payload), payload);
        } finally {
            c.close();
        }
    }

    private static String cipherSuite(TunnelConnection connection) {
        return connection.channel().pipeline().get(SslHandler.class).engine().getSession().getCipherSuite();
    }

    @Test
    void aHalfCloseIsPassedOnAndTheAnswerAfterItArrives() throws Exception {
        int toB = a.entry("b", echoOnB.port());
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);

        byte[] back = exchange(toB, payload);

        assertSame(back, payload);
        await().atMost(WAIT).until(() -> echoOnB.ended.get() == 1);
        await().atMost(WAIT).until(() -> a.tunnel.connection("b").streamCount() == 0
                && b.tunnel.connection("a").streamCount() == 0);
    }

    @Test
    void twoHundredConcurrentStreamsShareOneConnection() throws Exception {
        int toB = a.entry("b", echoOnB.port());
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket("127.0.0.1", toB);
                socket.setSoTimeout(20_000);
                sockets.add(socket);
            }
            await().atMost(WAIT).until(() -> echoOnB.open() == 200);
            assertThat(a.tunnel.connection("b").streamCount()).isEqualTo(200);
            for (int i = 0; i < 200; i++) {
                Socket socket = sockets.get(i);
                byte[] message = ("stream " + i + " ").repeat(100 + i).getBytes(StandardCharsets.UTF_8);
                results.add(clients.submit(() -> roundTrip(socket, message)));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
            }
            for (Socket socket : sockets) {
                socket.close();
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(echoOnB.accepted).hasValue(200);
        assertThat(a.tunnel.peers()).hasSize(1);
        await().atMost(WAIT).until(() -> a.tunnel.connection("b").streamCount() == 0);
    }

    @Test
    void aSlowReaderHoldsItsSenderWithoutStoppingTheOtherStreams() throws Exception {
        int toB = a.entry("b", echoOnB.port());
        echoOnB.hold();
        Socket slow = new Socket("127.0.0.1", toB);
        AtomicLong written = new AtomicLong();
        byte[] chunk = new byte[64 * 1024];
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = slow.getOutputStream();
                for (int i = 0; i < 1024; i++) { // up to 64 MB
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        writer.setDaemon(true);
        writer.start();
        // the writer stops once the socket buffers, one stream window and the tunnel's buffers are full
        long settled = settle(written);
        assertThat(settled).isLessThan(48L * 1024 * 1024);

        // a second stream of the same connection still flows
        echoOnB.release();
        slow.close();
        writer.join(10_000);
        int other = a.entry("b", echoOnB.port());
        assertThat(exchange(other, "still here".getBytes(StandardCharsets.UTF_8)))
                .asString(StandardCharsets.UTF_8).isEqualTo("still here");
    }

    @Test
    void aStalledStreamDoesNotHoldItsNeighbours() throws Exception {
        int toB = a.entry("b", echoOnB.port());
        ByteEcho heldEcho = new ByteEcho();
        try {
            b.endpoints.add(heldEcho.port());
            heldEcho.hold();
            int toHeld = a.entry("b", heldEcho.port());
            Socket stalled = new Socket("127.0.0.1", toHeld);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = stalled.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 512; i++) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // closed below
                }
            });
            writer.setDaemon(true);
            writer.start();
            Thread.sleep(300);
            byte[] payload = new byte[2 * 1024 * 1024];
            new Random(3).nextBytes(payload);
            assertSame(exchange(toB, payload), payload);
            stalled.close();
        } finally {
            heldEcho.close();
        }
    }

    @Test
    void aResetStreamLeavesItsNeighboursAlone() throws Exception {
        int toB = a.entry("b", echoOnB.port());
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket socket = new Socket("127.0.0.1", toB);
            socket.setSoTimeout(20_000);
            sockets.add(socket);
            assertThat(roundTrip(socket, ("first " + i).getBytes(StandardCharsets.UTF_8))).isTrue();
        }
        Socket victim = sockets.remove(4);
        victim.setSoLinger(true, 0);
        victim.close(); // RST

        await().atMost(WAIT).until(() -> echoOnB.ended.get() == 1);
        for (int i = 0; i < sockets.size(); i++) {
            assertThat(roundTrip(sockets.get(i), ("second " + i).getBytes(StandardCharsets.UTF_8))).isTrue();
        }
        assertThat(a.tunnel.connection("b").streamCount()).isEqualTo(9);
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void anEndpointThePeerDoesNotKnowIsRefused() throws Exception {
        ByteEcho unknown = new ByteEcho();
        try {
            int entry = a.entry("b", unknown.port());
            try (Socket socket = new Socket("127.0.0.1", entry)) {
                socket.setSoTimeout(20_000);
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(unknown.accepted).hasValue(0);
            assertThat(a.openFailures).hasValue(1);
        } finally {
            unknown.close();
        }
    }

    @Test
    void theLinkComesBackAfterThePeerRestarts() throws Exception {
        InetSocketAddress bAddress = b.address();
        b.close();
        await().atMost(WAIT).until(() -> !a.tunnel.reachable("b"));
        int toB = a.entry("b", echoOnB.port());
        try (Socket refused = new Socket("127.0.0.1", toB)) {
            refused.setSoTimeout(20_000);
            assertThat(refused.getInputStream().read()).isEqualTo(-1);
        }

        b = new TestNode("b", pki.node("b"), group, bAddress, TunnelLimits.DEFAULTS);
        b.endpoints.add(echoOnB.port());
        await().atMost(WAIT).until(() -> a.tunnel.reachable("b"));
        assertThat(exchange(toB, "again".getBytes(StandardCharsets.UTF_8))).asString(StandardCharsets.UTF_8)
                .isEqualTo("again");
    }

    @Test
    void pingsMeasureTheRoundTrip() throws Exception {
        TestNode c = new TestNode("c", pki.node("c"), group, "127.0.51.3", TunnelLimits.DEFAULTS.withPing(100, 1000));
        TestNode d = new TestNode("d", pki.node("d"), group, "127.0.51.4", TunnelLimits.DEFAULTS.withPing(100, 1000));
        try {
            c.dial(d);
            await().atMost(WAIT).until(() -> c.tunnel.peers().size() == 1 && c.tunnel.peers().get(0).rttNanos() > 0);
            assertThat(c.tunnel.peers().get(0).rttNanos()).isLessThan(TimeUnit.SECONDS.toNanos(1));
        } finally {
            c.close();
            d.close();
        }
    }

    /** Sends the payload, half-closes, reads until the echo server's FIN. */
    static byte[] exchange(int port, byte[] payload) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(payload);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the read below fails too
                }
            });
            writer.start();
            byte[] back = socket.getInputStream().readAllBytes();
            writer.join();
            return back;
        }
    }

    /** Compares by length and first difference, so that a failure does not print megabytes. */
    static void assertSame(byte[] actual, byte[] expected) {
        assertThat(actual.length).as("length").isEqualTo(expected.length);
        int mismatch = Arrays.mismatch(actual, expected);
        assertThat(mismatch).as("first differing byte").isEqualTo(-1);
    }

    static boolean roundTrip(Socket socket, byte[] message) throws IOException {
        socket.getOutputStream().write(message);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (back.size() < message.length) {
            int read = in.read(buffer, 0, Math.min(buffer.length, message.length - back.size()));
            if (read < 0) {
                return false;
            }
            back.write(buffer, 0, read);
        }
        return Arrays.equals(back.toByteArray(), message);
    }

    /** @return the counter's value once it stopped growing for a second */
    static long settle(AtomicLong counter) throws InterruptedException {
        long last = -1;
        long now = counter.get();
        while (now != last) {
            last = now;
            Thread.sleep(1000);
            now = counter.get();
        }
        return now;
    }
}
