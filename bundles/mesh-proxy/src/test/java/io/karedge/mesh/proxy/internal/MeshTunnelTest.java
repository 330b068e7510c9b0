package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.mesh.proxy.internal.tunnel.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three mesh nodes in one JVM, each with its own store, Service range and tunnel address on loopback
 * (127.0.81.1, .82.1, .83.1): Services whose endpoints are on other nodes are reached through the tunnels.
 */
class MeshTunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestPki pki;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private EchoServer onB;
    private EchoServer onC;

    @BeforeEach
    void servers() throws Exception {
        pki = new TestPki("cluster-ca");
        onB = close(new EchoServer("b"));
        onC = close(new EchoServer("c"));
    }

    @AfterEach
    void stop() throws Exception {
        java.util.Collections.reverse(closing);
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception e) {
                // next
            }
        }
    }

    private <T extends AutoCloseable> T close(T closeable) {
        closing.add(closeable);
        return closeable;
    }

    private MeshNode node(String name, int n, Map<String, List<InetSocketAddress>> peers, boolean preferLocal)
            throws Exception {
        return close(new MeshNode(name, n, pki.node(name), dir.resolve(name), peers, preferLocal));
    }

    /** The same objects on every node, as the cloud sends them. */
    private static void everywhere(List<MeshNode> nodes, Object... nodeAndPort) {
        for (MeshNode node : nodes) {
            node.service("echo");
            node.endpoints("echo", nodeAndPort);
        }
    }

    @Test
    void endpointsOnOtherNodesAreReachedThroughTheirTunnels() throws Exception {
        MeshNode b = node("b", 82, Map.of(), false);
        MeshNode c = node("c", 83, Map.of(), false);
        MeshNode a = node("a", 81, Map.of("b", List.of(b.tunnelEndpoint()), "c", List.of(c.tunnelEndpoint())), false);
        everywhere(List.of(a, b, c), "b", onB.port(), "c", onC.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("b") && a.linkedTo("c"));
        InetAddress echo = a.address("echo");

        Map<String, Integer> spread = Client.spread(echo, 80, 60);

        assertThat(spread).containsEntry("b", 30).containsEntry("c", 30);
        assertThat(a.tunnel().peers()).allSatisfy(peer -> assertThat(peer.outbound()).isTrue());
        assertThat(a.component.peers()).extracting(p -> p.node(), p -> p.path(), p -> p.connected())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", "direct", true),
                        org.assertj.core.groups.Tuple.tuple("c", "direct", true));
        assertThat(a.component.peers()).allSatisfy(p -> assertThat(p.bytesOut()).isPositive());
        assertThat(a.component.services().get(0).ports().get(0).bytesIn()).isGreaterThan(0);
    }

    @Test
    void aNodeThatGoesAwayLeavesThePoolWithinTwoSeconds() throws Exception {
        MeshNode b = node("b", 82, Map.of(), false);
        MeshNode c = node("c", 83, Map.of(), false);
        MeshNode a = node("a", 81, Map.of("b", List.of(b.tunnelEndpoint()), "c", List.of(c.tunnelEndpoint())), false);
        everywhere(List.of(a, b, c), "b", onB.port(), "c", onC.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("b") && a.linkedTo("c"));
        InetAddress echo = a.address("echo");
        Client open = new Client(echo, 80, null);
        String first = open.call("hi");
        MeshNode owner = first.startsWith("c:") ? c : b;
        String survivor = owner == c ? "b" : "c";

        long stopped = System.nanoTime();
        owner.close();
        // the stream through the node that left ends with an error
        assertThat(callFails(open)).isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> !a.linkedTo(owner.name));
        assertThat((System.nanoTime() - stopped) / 1_000_000).isLessThan(2000);
        assertThat(Client.spread(echo, 80, 20)).containsOnlyKeys(survivor);
        open.close();
    }

    @Test
    void endpointsOfANodeReportedNotReadyLeaveThePool() throws Exception {
        MeshNode b = node("b", 82, Map.of(), false);
        MeshNode c = node("c", 83, Map.of(), false);
        MeshNode a = node("a", 81, Map.of("b", List.of(b.tunnelEndpoint()), "c", List.of(c.tunnelEndpoint())), false);
        everywhere(List.of(a, b, c), "b", onB.port(), "c", onC.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("b") && a.linkedTo("c"));
        InetAddress echo = a.address("echo");
        assertThat(Client.spread(echo, 80, 10)).containsOnlyKeys("b", "c");

        a.store.put(node("b", "False"), "test");
        await().atMost(Duration.ofSeconds(2)).until(() -> a.component.services().get(0).ports().get(0).endpoints()
                .stream().anyMatch(e -> e.port() == onB.port() && !e.healthy()));
        assertThat(Client.spread(echo, 80, 10)).containsOnlyKeys("c");

        a.store.put(node("b", "True"), "test");
        await().atMost(WAIT).until(() -> Client.spread(echo, 80, 4).containsKey("b"));
    }

    @Test
    void theTunnelPublishesThePortItListensOnAndANodeIsFoundByIt() throws Exception {
        MeshNode b = node("b", 82, Map.of(), false);
        await().atMost(WAIT).until(() -> b.published.get() != null);
        // bound to a loopback address: the port only (other hosts could not use 127.0.82.1)
        assertThat(b.published.get().annotations())
                .containsExactly(Map.entry(TunnelSettings.PORT_ANNOTATION, Integer.toString(b.tunnelPort)));
        try (java.net.Socket probe = new java.net.Socket(b.tunnelAddress, b.tunnelPort)) {
            assertThat(probe.isConnected()).as("the published port is the one listening").isTrue();
        }

        // a has no static peers and its own tunnel on another port: it finds b by b's Node, with what b published
        MeshNode a = node("a", 81, Map.of(), false);
        assertThat(a.tunnelPort).isNotEqualTo(b.tunnelPort);
        com.fasterxml.jackson.databind.node.ObjectNode bNode = node("b", "True");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bNode.path("status")).putArray("addresses").addObject()
                .put("type", "InternalIP").put("address", b.tunnelAddress.getHostAddress());
        b.published.get().annotations().forEach(((com.fasterxml.jackson.databind.node.ObjectNode) bNode
                .path("metadata")).putObject("annotations")::put);
        a.store.put(bNode, "test");
        everywhere(List.of(a, b), "b", onB.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("b"));
        assertThat(Client.spread(a.address("echo"), 80, 4)).containsOnlyKeys("b");

        // the tunnel stops (switched off, or moved by a restart): withdrawn
        b.close();
        assertThat(b.published.get()).isNull();
    }

    @Test
    void aTunnelBoundToOneRoutableAddressPublishesItAndOneOnTheWildcardPublishesTheHostsAddresses() {
        List<String> host = List.of("192.0.2.7", "198.51.100.3", "2001:db8::7");
        assertThat(TunnelAnnotations.of(new InetSocketAddress("10.20.30.40", 20006), host).annotations())
                .containsOnly(Map.entry(TunnelSettings.PORT_ANNOTATION, "20006"),
                        Map.entry(TunnelSettings.ADDRESS_ANNOTATION, "10.20.30.40"));
        assertThat(TunnelAnnotations.of(new InetSocketAddress("0.0.0.0", 20006), host).annotations())
                .containsOnly(Map.entry(TunnelSettings.PORT_ANNOTATION, "20006"),
                        Map.entry(TunnelSettings.ADDRESSES_ANNOTATION, "192.0.2.7,198.51.100.3,2001:db8::7"));
        assertThat(TunnelAnnotations.of(new InetSocketAddress("::", 20006), host).annotations())
                .containsEntry(TunnelSettings.ADDRESSES_ANNOTATION, "192.0.2.7,198.51.100.3,2001:db8::7");
        assertThat(TunnelAnnotations.of(new InetSocketAddress("0.0.0.0", 20006), List.of()).annotations())
                .as("a host with no address other nodes could dial").containsOnlyKeys(TunnelSettings.PORT_ANNOTATION);
        assertThat(TunnelAnnotations.of(new InetSocketAddress("127.0.0.1", 20006), host).annotations())
                .containsOnlyKeys(TunnelSettings.PORT_ANNOTATION);
        for (String key : TunnelAnnotations.of(new InetSocketAddress("0.0.0.0", 1), host).annotations().keySet()) {
            assertThat(io.karedge.api.node.NodeAnnotationContributor.owned(key)).as(key).isTrue();
        }
        for (String key : TunnelAnnotations.of(new InetSocketAddress("10.20.30.40", 1), host).annotations().keySet()) {
            assertThat(io.karedge.api.node.NodeAnnotationContributor.owned(key)).as(key).isTrue();
        }
    }

    @Test
    void aNodeIsDialledAtTheAddressesItPublishesInOrderSkippingMalformedOnes() throws Exception {
        // b publishes garbage, then an address where nothing listens, then its tunnel; its Node has no status
        // addresses, so a reaches b through the third entry of the list alone
        MeshNode b = node("b", 82, Map.of(), false);
        await().atMost(WAIT).until(() -> b.published.get() != null);
        MeshNode a = node("a", 81, Map.of(), false);
        com.fasterxml.jackson.databind.node.ObjectNode bNode = node("b", "True");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bNode.path("metadata")).putObject("annotations")
                .put(TunnelSettings.PORT_ANNOTATION, Integer.toString(b.tunnelPort))
                .put(TunnelSettings.ADDRESSES_ANNOTATION, "no-such-host.example,127.0.82.9,"
                        + b.tunnelAddress.getHostAddress());
        a.store.put(bNode, "test");
        everywhere(List.of(a, b), "b", onB.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("b"));
        assertThat(Client.spread(a.address("echo"), 80, 4)).containsOnlyKeys("b");
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode node(String name, String ready) {
        com.fasterxml.jackson.databind.node.ObjectNode node = Mesh.object("Node", "", name);
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.path("metadata")).remove("namespace");
        node.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", ready);
        return node;
    }

    @Test
    void anEndpointTheFarNodeDoesNotExportIsRefusedThereAndSkipped() throws Exception {
        MeshNode b = node("b", 82, Map.of(), false);
        MeshNode a = node("a", 81, Map.of("b", List.of(b.tunnelEndpoint())), false);
        // a believes b has two endpoints; b's own Endpoints name only one of them
        a.service("echo");
        a.endpoints("echo", "b", onB.port(), "b", onC.port());
        b.service("echo");
        b.endpoints("echo", "b", onB.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("b"));

        Map<String, Integer> spread = Client.spread(a.address("echo"), 80, 20);

        assertThat(spread).containsOnlyKeys("b").containsEntry("b", 20);
        assertThat(onC.accepted).hasValue(0);
        assertThat(a.component.services().get(0).ports().get(0).endpoints())
                .anySatisfy(e -> {
                    assertThat(e.port()).isEqualTo(onC.port());
                    assertThat(e.healthy()).isFalse();
                });
    }

    @Test
    void preferLocalKeepsConnectionsOnThisNodeWhileItHasEndpoints() throws Exception {
        EchoServer onA = close(new EchoServer("a"));
        MeshNode b = node("b", 82, Map.of(), false);
        MeshNode a = node("a", 81, Map.of("b", List.of(b.tunnelEndpoint())), true);
        everywhere(List.of(a, b), "a", onA.port(), "b", onB.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("b"));
        InetAddress echo = a.address("echo");

        assertThat(Client.spread(echo, 80, 20)).containsOnlyKeys("a");
        onA.close();
        // a closed ServerSocket can take a moment to stop listening while its accept thread wakes up
        await().atMost(WAIT).until(() -> refuses(onA.port()));
        assertThat(Client.spread(echo, 80, 20)).containsOnlyKeys("b");
    }

    @Test
    void withoutCredentialsTheTunnelWaitsAndTheLocalMeshStillWorks() throws Exception {
        EchoServer onA = close(new EchoServer("a"));
        MeshNode a = node("a", 81, Map.of(), false);
        a.close();
        java.nio.file.Files.delete(dir.resolve("a").resolve("edge.key"));
        a.start();
        a.service("echo");
        a.endpoints("echo", "a", onA.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null);
        assertThat(Client.once(a.address("echo"), 80, null)).isEqualTo("a");
        assertThat(a.tunnel().error()).contains("edge.key");
        assertThat(a.tunnel().address()).isNull();
    }

    @Test
    void aNodeReachableOnlyThroughARelayIsReachedThroughIt() throws Exception {
        MeshNode r = close(new MeshNode("r", 84, pki.node("r"), dir.resolve("r"), Map.of(), false, true, List.of()));
        MeshNode c = node("c", 83, Map.of("r", List.of(r.tunnelEndpoint())), false);
        // a's direct address for c refuses: nothing listens on 127.0.85.1
        InetSocketAddress nowhere = new InetSocketAddress("127.0.85.1", Client.freePort());
        MeshNode a = close(new MeshNode("a", 81, pki.node("a"), dir.resolve("a"),
                Map.of("r", List.of(r.tunnelEndpoint()), "c", List.of(nowhere)), false, false, List.of("r")));
        everywhere(List.of(a, c, r), "c", onC.port());
        await().atMost(WAIT).until(() -> a.address("echo") != null && a.linkedTo("r") && c.linkedTo("r")
                && r.tunnel().peers().stream().anyMatch(p -> p.node().equals("c") && p.connected())
                && a.tunnel().peers().stream().anyMatch(p -> p.node().equals("c") && p.path().equals("relay:r")));

        assertThat(Client.spread(a.address("echo"), 80, 10)).containsEntry("c", 10);
        assertThat(r.tunnel().peers()).extracting(p -> p.node()).contains("a", "c");
    }

    @Test
    void udpServicePortsReachEndpointsOnOtherNodes() throws Exception {
        UdpEchoServer udpOnB = close(new UdpEchoServer("b"));
        UdpEchoServer udpOnC = close(new UdpEchoServer("c"));
        MeshNode b = node("b", 82, Map.of(), false);
        MeshNode c = node("c", 83, Map.of(), false);
        MeshNode a = node("a", 81, Map.of("b", List.of(b.tunnelEndpoint()), "c", List.of(c.tunnelEndpoint())), false);
        for (MeshNode node : List.of(a, b, c)) {
            node.udpService("dns");
            node.udpEndpoints("dns", "b", udpOnB.port(), "c", udpOnC.port());
        }
        await().atMost(WAIT).until(() -> a.address("dns") != null && a.linkedTo("b") && a.linkedTo("c"));
        InetSocketAddress service = new InetSocketAddress(a.address("dns"), 53);

        Map<String, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            try (java.net.DatagramSocket client = UdpEchoServer.client()) {
                UdpEchoServer.Answer first = UdpEchoServer.ask(client, service, "q" + i, 5000);
                assertThat(first).as("answer to client %d", i).isNotNull();
                assertThat(first.text()).endsWith(":q" + i);
                assertThat(first.from()).isEqualTo(service);
                // the session stays on its endpoint
                UdpEchoServer.Answer second = UdpEchoServer.ask(client, service, "again", 5000);
                assertThat(second).isNotNull();
                assertThat(second.server()).isEqualTo(first.server());
                counts.merge(first.server(), 1, Integer::sum);
            }
        }
        assertThat(counts).containsEntry("b", 10).containsEntry("c", 10);
    }

    private static boolean refuses(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean callFails(Client client) {
        try {
            client.call("again");
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
