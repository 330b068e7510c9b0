package io.karedge.mesh.proxy.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a link dials a peer with several addresses (127.0.53.x on loopback). */
class PeerLinkTest {

    private EventLoopGroup group;
    private TestPki pki;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        pki = new TestPki("cluster-ca");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void addressesThatRefuseAreSkippedAtOnceNotAfterABackoffEach() throws Exception {
        TestNode b = node("b", "127.0.53.2");
        TestNode a = node("a", "127.0.53.1");
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            addresses.add(refusing());
        }
        addresses.add(b.address());

        long started = System.nanoTime();
        a.tunnel.peer("b", addresses);
        // with a backoff after each refused address the eighth would be dialled after about 12.7 s
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> a.tunnel.reachable("b"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anAddressWhereAnotherNodeAnswersIsLeftForTheNextOne() throws Exception {
        TestNode b = node("b", "127.0.53.2");
        TestNode other = node("other", "127.0.53.3");
        TestNode a = node("a", "127.0.53.1");

        a.tunnel.peer("b", List.of(other.address(), b.address()));

        await().atMost(Duration.ofSeconds(5)).until(() -> a.tunnel.reachable("b"));
        assertThat(b.tunnel.peers()).extracting(PeerStatus::node).contains("a");
    }

    @Test
    void aLinkWithSeveralAddressesComesBackAfterThePeerRestarts() throws Exception {
        TestNode a = node("a", "127.0.53.1");
        TestNode b = node("b", "127.0.53.2");
        InetSocketAddress bAddress = b.address();
        List<InetSocketAddress> addresses = List.of(refusing(), bAddress, refusing());
        a.tunnel.peer("b", addresses);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.tunnel.reachable("b"));

        b.close();
        closing.remove(b);
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.tunnel.reachable("b"));
        TestNode again = new TestNode("b", pki.node("b"), group, bAddress, TunnelLimits.DEFAULTS);
        closing.add(again);

        await().atMost(Duration.ofSeconds(15)).until(() -> a.tunnel.reachable("b"));
    }

    private TestNode node(String name, String ip) throws Exception {
        TestNode node = new TestNode(name, pki.node(name), group, ip, TunnelLimits.DEFAULTS);
        closing.add(node);
        return node;
    }

    /** An address on which the connect is refused: a port that was free a moment ago. */
    private static InetSocketAddress refusing() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.53.9"))) {
            return new InetSocketAddress("127.0.53.9", socket.getLocalPort());
        }
    }
}
