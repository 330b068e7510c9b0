package io.karedge.mesh.proxy.internal;

import io.karedge.test.support.InMemoryMetaStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy end to end on loopback: echo servers as endpoints, a Service per test, real sockets. */
class MeshProxyTest {

    static final String RANGE = "127.77.0.0/16";

    @TempDir
    Path dir;

    final InMemoryMetaStore store = new InMemoryMetaStore();
    final EchoServers servers = new EchoServers();
    Mesh mesh;
    int servicePort;

    @BeforeEach
    void setUp() throws IOException {
        servicePort = Client.freePort();
        mesh = new Mesh(store, MeshSettings.forTests(RANGE), dir.resolve("addresses.properties"));
    }

    @AfterEach
    void tearDown() throws IOException {
        mesh.close();
        servers.close();
    }

    private EchoServer echo(String name) throws IOException {
        return servers.start(name);
    }

    private InetAddress awaitListening(String name) {
        return await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> mesh.listening("default", name), java.util.Optional::isPresent).orElseThrow();
    }

    private Map<String, Integer> spread(InetAddress address, int connections) {
        return Client.spread(address, servicePort, connections);
    }

    @Test
    void roundRobinByDefault() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        EchoServer c = echo("c");
        mesh.endpoints("default", "web", a.port(), b.port(), c.port());
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitListening("web");

        assertThat(address.getHostAddress()).startsWith("127.77.");
        Map<String, Integer> counts = spread(address, 300);

        assertThat(counts).containsOnlyKeys("a", "b", "c");
        counts.values().forEach(count -> assertThat(count).isBetween(99, 101));
        assertThat(mesh.service("default", "web").orElseThrow().policy()).isEqualTo("ROUND_ROBIN");
    }

    @Test
    void randomFromDestinationRule() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        EchoServer c = echo("c");
        mesh.endpoints("default", "web", a.port(), b.port(), c.port());
        mesh.rule("default", "web", "{\"simple\":\"RANDOM\"}");
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitListening("web");
        await().atMost(Duration.ofSeconds(1))
                .until(() -> mesh.service("default", "web").orElseThrow().policy().equals("RANDOM"));

        List<String> picks = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            String pick = Client.once(address, servicePort, null);
            picks.add(pick);
            counts.merge(pick, 1, Integer::sum);
        }

        // chi-square with 2 degrees of freedom; 13.8 is the 0.1 % critical value
        double chiSquare = counts.values().stream().mapToDouble(n -> Math.pow(n - 200.0, 2) / 200.0).sum();
        assertThat(counts).containsOnlyKeys("a", "b", "c");
        assertThat(chiSquare).isLessThan(13.8);
        // and it is not round robin in disguise: a strict a-b-c cycle over 600 picks is all but impossible
        boolean cyclic = true;
        for (int i = 3; i < picks.size() && cyclic; i++) {
            cyclic = picks.get(i).equals(picks.get(i - 3));
        }
        assertThat(cyclic).isFalse();
    }

    @Test
    void consistentHashKeepsEachSourceAddressOnOneEndpoint() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        EchoServer c = echo("c");
        mesh.endpoints("default", "web", a.port(), b.port(), c.port());
        mesh.rule("default", "web", "{\"consistentHash\":{\"useSourceIp\":true}}");
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitListening("web");
        await().atMost(Duration.ofSeconds(1)).until(() -> mesh.service("default", "web").orElseThrow().policy()
                .equals("CONSISTENT_HASH_SOURCE_IP"));

        Map<String, String> endpointBySource = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            for (int last = 2; last <= 31; last++) {
                InetAddress source = Client.loopback(last);
                String pick = Client.once(address, servicePort, source);
                String earlier = endpointBySource.putIfAbsent(source.getHostAddress(), pick);
                assertThat(earlier == null ? pick : earlier).as("endpoint of %s", source).isEqualTo(pick);
            }
        }
        // 30 sources over 3 endpoints: the ring spreads them (every source on one endpoint would be a bug)
        assertThat(new HashSet<>(endpointBySource.values())).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void removedEndpointDrainsOpenConnections() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        mesh.endpoints("default", "web", a.port());
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitListening("web");

        try (Client open = new Client(address, servicePort, null)) {
            assertThat(open.call("one")).isEqualTo("a:one");

            mesh.endpoints("default", "web", b.port());
            await().atMost(Duration.ofSeconds(1)).until(() -> mesh.endpointsOf("default", "web").stream()
                    .map(MeshEndpoint::port).toList().equals(List.of(b.port())));

            assertThat(open.call("two")).as("the open connection keeps its endpoint").isEqualTo("a:two");
            for (int i = 0; i < 5; i++) {
                assertThat(Client.once(address, servicePort, null)).isEqualTo("b");
            }
            assertThat(open.call("three")).isEqualTo("a:three");
        }
    }

    @Test
    void failingEndpointIsEjectedAndClientsNeverSeeIt() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        int dead = Client.freePort();
        mesh.endpoints("default", "web", dead, a.port(), b.port());
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitListening("web");

        long start = System.nanoTime();
        Set<String> answered = new HashSet<>();
        answered.add(Client.once(address, servicePort, null));
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> {
            Client.once(address, servicePort, null);
            return mesh.endpointsOf("default", "web").stream().anyMatch(e -> e.port() == dead && !e.healthy());
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

        for (int i = 0; i < 60; i++) {
            answered.add(Client.once(address, servicePort, null));
        }
        assertThat(answered).containsExactlyInAnyOrder("a", "b");
        MeshEndpoint ejected = mesh.endpointsOf("default", "web").stream().filter(e -> e.port() == dead)
                .findFirst().orElseThrow();
        assertThat(ejected.failures()).isEqualTo(1);
        assertThat(ejected.ejectedUntil()).isNotNull();
    }

    @Test
    void allEndpointsDownClosesTheClientConnection() throws IOException {
        int dead = Client.freePort();
        mesh.endpoints("default", "web", dead);
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitListening("web");

        try (Client client = new Client(address, servicePort, null)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.call("x")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void reactivationRebuildsEveryListenerWithinOneSecond() throws IOException {
        EchoServer a = echo("a");
        int otherPort = Client.freePort();
        mesh.endpoints("default", "web", a.port());
        mesh.service("default", "web", servicePort);
        mesh.endpoints("shop", "cart", a.port());
        mesh.service("shop", "cart", otherPort);
        InetAddress web = awaitListening("web");
        InetAddress cart = await().atMost(Duration.ofSeconds(1))
                .until(() -> mesh.listening("shop", "cart"), java.util.Optional::isPresent).orElseThrow();

        mesh.stop();
        assertThat(mesh.component.services()).isEmpty();
        long start = System.nanoTime();
        mesh.start();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> mesh.listening("default", "web").isPresent() && mesh.listening("shop", "cart").isPresent());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

        assertThat(mesh.listening("default", "web")).contains(web);
        assertThat(mesh.listening("shop", "cart")).contains(cart);
        assertThat(Client.once(web, servicePort, null)).isEqualTo("a");
        assertThat(Client.once(cart, otherPort, null)).isEqualTo("a");
    }

    @Test
    void portInUseIsReportedAndRetriedWhileOthersWork() throws IOException {
        EchoServer a = echo("a");
        InetAddress predicted = new AddressAllocator(RANGE, null).allocate("default/busy");
        ServerSocket blocker = new ServerSocket();
        blocker.bind(new InetSocketAddress(predicted, servicePort));
        int otherPort = Client.freePort();
        try {
            mesh.endpoints("default", "busy", a.port());
            mesh.service("default", "busy", servicePort);
            mesh.endpoints("default", "free", a.port());
            mesh.service("default", "free", otherPort);

            InetAddress free = await().atMost(Duration.ofSeconds(1))
                    .until(() -> mesh.listening("default", "free"), java.util.Optional::isPresent).orElseThrow();
            MeshPort busy = await().atMost(Duration.ofSeconds(1))
                    .until(() -> mesh.service("default", "busy").map(s -> s.ports().get(0)).orElse(null),
                            port -> port != null && !port.error().isEmpty());
            assertThat(busy.listening()).isFalse();
            assertThat(busy.error()).containsIgnoringCase("in use");
            assertThat(Client.once(free, otherPort, null)).isEqualTo("a");
        } finally {
            blocker.close();
        }
        InetAddress busyAddress = await().atMost(Duration.ofSeconds(3))
                .until(() -> mesh.listening("default", "busy"), java.util.Optional::isPresent).orElseThrow();
        assertThat(busyAddress).isEqualTo(predicted);
        assertThat(Client.once(busyAddress, servicePort, null)).isEqualTo("a");
    }

    @Test
    void deletedServiceStopsListening() throws IOException {
        EchoServer a = echo("a");
        mesh.endpoints("default", "web", a.port());
        mesh.service("default", "web", servicePort);
        awaitListening("web");

        mesh.delete("Service", "default", "web");

        await().atMost(Duration.ofSeconds(1)).until(() -> mesh.service("default", "web").isEmpty());
        assertThat(mesh.component.resolve("web").found()).isFalse();
    }

    @Test
    void halfCloseIsPassedOn() throws Exception {
        // a server that answers only after the client has finished sending (reads to EOF first)
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread thread = new Thread(() -> {
                try (var socket = server.accept()) {
                    byte[] all = socket.getInputStream().readAllBytes();
                    socket.getOutputStream().write(("got " + all.length).getBytes());
                } catch (IOException e) {
                    // test fails on the client side
                }
            });
            thread.setDaemon(true);
            thread.start();
            mesh.endpoints("default", "web", server.getLocalPort());
            mesh.service("default", "web", servicePort);
            InetAddress address = awaitListening("web");

            try (var socket = new java.net.Socket()) {
                socket.setSoTimeout(3000);
                socket.connect(new InetSocketAddress(address, servicePort), 3000);
                socket.getOutputStream().write(new byte[100_000]);
                socket.shutdownOutput();
                assertThat(new String(socket.getInputStream().readAllBytes())).isEqualTo("got 100000");
            }
        }
    }
}
