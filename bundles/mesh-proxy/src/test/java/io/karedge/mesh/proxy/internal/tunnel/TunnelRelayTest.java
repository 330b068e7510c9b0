package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reaches C only through the relay R: both keep a connection to R, and A's direct address for C is a
 * port where nothing listens (127.0.54.3 refuses).
 */
class TunnelRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EventLoopGroup group;
    private TestPki pki;
    private TestNode a;
    private TestNode r;
    private TestNode c;
    private ByteEcho echoOnC;
    private final List<AutoCloseable> extra = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        pki = new TestPki("cluster-ca");
        r = new TestNode("r", pki.node("r"), group, new InetSocketAddress("127.0.54.2", 0), TunnelLimits.DEFAULTS, true);
        a = new TestNode("a", pki.node("a"), group, "127.0.54.1", TunnelLimits.DEFAULTS);
        c = new TestNode("c", pki.node("c"), group, "127.0.54.3", TunnelLimits.DEFAULTS);
        echoOnC = new ByteEcho();
        c.endpoints.add(echoOnC.port());
        a.dial(r);
        c.dial(r);
        a.tunnel.peer("c", List.of(new InetSocketAddress("127.0.54.3", refusingPort())));
        a.tunnel.relays(List.of("r"));
        await().atMost(WAIT).until(() -> a.tunnel.reachable("r") && c.tunnel.reachable("r")
                && r.tunnel.connection("a") != null && r.tunnel.connection("c") != null);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : extra) {
            closeable.close();
        }
        a.close();
        c.close();
        r.close();
        echoOnC.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static int refusingPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.54.3"))) {
            return probe.getLocalPort();
        }
    }

    @Test
    void aNodeReachableOnlyThroughTheRelayIsReached() throws Exception {
        assertThat(a.tunnel.connection("c")).isNull();
        assertThat(a.tunnel.reachable("c")).isTrue();
        assertThat(a.tunnel.peers()).filteredOn(p -> p.node().equals("c")).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo("relay:r"));
        int toC = a.entry("c", echoOnC.port());

        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(5).nextBytes(payload);
        TunnelTest.assertSame(TunnelTest.exchange(toC, payload), payload);

        assertThat(echoOnC.accepted).hasValue(1);
        // both legs end once both directions ended
        await().atMost(WAIT).until(() -> r.tunnel.connection("a").streamCount() == 0
                && r.tunnel.connection("c").streamCount() == 0 && c.tunnel.connection("r").streamCount() == 0);
    }

    @Test
    void manyRelayedStreamsAndAResetOneLeaveTheOthersAlone() throws Exception {
        int toC = a.entry("c", echoOnC.port());
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket socket = new Socket("127.0.0.1", toC);
            socket.setSoTimeout(20_000);
            sockets.add(socket);
            assertThat(TunnelTest.roundTrip(socket, ("one " + i).getBytes(StandardCharsets.UTF_8))).isTrue();
        }
        Socket victim = sockets.remove(7);
        victim.setSoLinger(true, 0);
        victim.close();
        await().atMost(WAIT).until(() -> echoOnC.ended.get() == 1);
        for (Socket socket : sockets) {
            assertThat(TunnelTest.roundTrip(socket, "two".getBytes(StandardCharsets.UTF_8))).isTrue();
        }
        assertThat(r.tunnel.connection("a").streamCount()).isEqualTo(19);
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void theFarNodeStillDecidesWhatMayBeOpened() throws Exception {
        ByteEcho notExported = new ByteEcho();
        extra.add(notExported);
        int entry = a.entry("c", notExported.port());
        try (Socket socket = new Socket("127.0.0.1", entry)) {
            socket.setSoTimeout(20_000);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(notExported.accepted).hasValue(0);
    }

    @Test
    void aNodeThatIsNoRelayRefusesToForward() throws Exception {
        // r asks c, which is no relay, to forward a stream to a node c knows nothing of
        r.tunnel.relays(List.of("c"));
        long before = c.tunnel.refusals().refusals();
        int entry = r.entry("nobody", echoOnC.port());
        try (Socket socket = new Socket("127.0.0.1", entry)) {
            socket.setSoTimeout(20_000);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(c.tunnel.refusals().refusals()).isGreaterThan(before);
        assertThat(echoOnC.accepted).hasValue(0);
    }

    @Test
    void whenTheRelayGoesTheRelayedStreamEndsWithAnError() throws Exception {
        int toC = a.entry("c", echoOnC.port());
        Socket socket = new Socket("127.0.0.1", toC);
        socket.setSoTimeout(20_000);
        assertThat(TunnelTest.roundTrip(socket, "before".getBytes(StandardCharsets.UTF_8))).isTrue();
        r.close();
        InputStream in = socket.getInputStream();
        boolean ended;
        try {
            ended = in.read() == -1;
        } catch (IOException e) {
            ended = true;
        }
        assertThat(ended).isTrue();
        socket.close();
        await().atMost(WAIT).until(() -> !a.tunnel.reachable("c"));
    }
}
