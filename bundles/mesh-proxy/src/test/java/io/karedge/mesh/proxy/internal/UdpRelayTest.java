package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPort;
import io.karedge.test.support.InMemoryMetaStore;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UDP Service ports end to end on loopback: UDP echo endpoints, real datagrams, sessions per client. */
class UdpRelayTest {

    @TempDir
    Path dir;

    final InMemoryMetaStore store = new InMemoryMetaStore();
    final List<AutoCloseable> closing = new ArrayList<>();
    Mesh mesh;
    int servicePort;

    @BeforeEach
    void setUp() throws IOException {
        servicePort = freeUdpPort();
        mesh = new Mesh(store, MeshSettings.forTests("127.78.0.0/16"), dir.resolve("addresses.properties"));
    }

    @AfterEach
    void tearDown() throws Exception {
        mesh.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private UdpEchoServer echo(String name) throws IOException {
        UdpEchoServer server = new UdpEchoServer(name);
        closing.add(server);
        return server;
    }

    private DatagramSocket client() throws IOException {
        DatagramSocket client = UdpEchoServer.client();
        closing.add(client);
        return client;
    }

    private InetSocketAddress awaitListening(String name) {
        InetAddress address = await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> mesh.listening("default", name), Optional::isPresent).orElseThrow();
        return new InetSocketAddress(address, servicePort);
    }

    private MeshPort port(String name) {
        return mesh.service("default", name).orElseThrow().ports().get(0);
    }

    @Test
    void newClientsAreSpreadRoundRobinAndAnswersComeFromTheServiceAddress() throws IOException {
        mesh.udpEndpoints("default", "dns", echo("a").port(), echo("b").port(), echo("c").port());
        mesh.udpService("default", "dns", servicePort);
        InetSocketAddress service = awaitListening("dns");

        Map<String, Integer> counts = new HashMap<>();
        long asked = 0;
        long answered = 0;
        for (int i = 0; i < 30; i++) {
            UdpEchoServer.Answer answer = UdpEchoServer.ask(client(), service, "q" + i, 2000);
            assertThat(answer).as("answer to client %d", i).isNotNull();
            asked += ("q" + i).length();
            answered += answer.text().length();
            assertThat(answer.text()).endsWith(":q" + i);
            assertThat(answer.from()).isEqualTo(service);
            counts.merge(answer.server(), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("a", "b", "c");
        counts.values().forEach(count -> assertThat(count).isEqualTo(10));
        MeshPort port = port("dns");
        assertThat(port.protocol()).isEqualTo("UDP");
        assertThat(port.listening()).isTrue();
        assertThat(port.connections()).as("live sessions").isEqualTo(30);
        assertThat(port.dataPath()).isEqualTo(MeshPort.PROXY);
        assertThat(port.bytesIn()).as("datagram bytes from clients").isEqualTo(asked);
        assertThat(port.bytesOut()).as("datagram bytes back to clients").isEqualTo(answered);
    }

    @Test
    void aClientKeepsItsEndpointForTheWholeSession() throws IOException {
        mesh.udpEndpoints("default", "dns", echo("a").port(), echo("b").port());
        mesh.udpService("default", "dns", servicePort);
        InetSocketAddress service = awaitListening("dns");

        DatagramSocket client = client();
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            servers.add(UdpEchoServer.ask(client, service, "x" + i, 2000).server());
        }

        assertThat(servers).containsOnly(servers.get(0));
    }

    @Test
    void anEndpointThatRefusesDatagramsIsEjectedAndNewClientsGoElsewhere() throws IOException {
        int dead;
        try (DatagramSocket probe = UdpEchoServer.client()) {
            dead = probe.getLocalPort(); // closed again: datagrams to it draw "port unreachable"
        }
        mesh.udpEndpoints("default", "dns", dead, echo("live").port());
        mesh.udpService("default", "dns", servicePort);
        InetSocketAddress service = awaitListening("dns");

        // round robin sends one of the first two clients to the dead endpoint; its datagram is lost
        int answered = 0;
        for (int i = 0; i < 2; i++) {
            if (UdpEchoServer.ask(client(), service, "first" + i, 500) != null) {
                answered++;
            }
        }
        assertThat(answered).isEqualTo(1);
        await().atMost(Duration.ofSeconds(1)).until(() -> port("dns").endpoints().stream()
                .filter(e -> e.port() == dead).noneMatch(MeshEndpoint::healthy));

        for (int i = 0; i < 10; i++) {
            UdpEchoServer.Answer answer = UdpEchoServer.ask(client(), service, "next" + i, 2000);
            assertThat(answer).as("answer to new client %d", i).isNotNull();
            assertThat(answer.server()).isEqualTo("live");
        }
    }

    @Test
    void idleSessionsEndAndAClosedListenerStopsAnswering() throws Exception {
        UdpEchoServer a = echo("a");
        HealthRegistry health = new HealthRegistry(1000, 30_000);
        EndpointPool pool = new EndpointPool(Policy.ROUND_ROBIN, List.of(Target.of("127.0.0.1", a.port(),
                "test").orElseThrow()), health);
        try (Transport transport = Transport.create(false, 1, false)) {
            InetAddress address = InetAddress.getByName("127.78.9.9");
            UdpPortListener listener = new UdpPortListener("test/udp", address, servicePort, pool, transport, 200);
            assertThat(listener.bind()).isTrue();
            InetSocketAddress service = new InetSocketAddress(address, servicePort);

            assertThat(UdpEchoServer.ask(client(), service, "one", 2000).text()).isEqualTo("a:one");
            assertThat(UdpEchoServer.ask(client(), service, "two", 2000).text()).isEqualTo("a:two");
            assertThat(listener.connections()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(2)).until(() -> listener.connections() == 0);

            listener.close();
            assertThat(listener.listening()).isFalse();
            assertThat(UdpEchoServer.ask(client(), service, "three", 300)).isNull();
        }
    }

    @Test
    void aDatagramForAPortWithoutEndpointsIsDroppedAndCounted() throws Exception {
        EndpointPool empty = new EndpointPool(Policy.ROUND_ROBIN, List.of(), new HealthRegistry(1000, 30_000));
        try (Transport transport = Transport.create(false, 1, false)) {
            InetAddress address = InetAddress.getByName("127.78.9.10");
            UdpPortListener listener = new UdpPortListener("empty/udp", address, servicePort, empty, transport, 200);
            assertThat(listener.bind()).isTrue();

            assertThat(UdpEchoServer.ask(client(), new InetSocketAddress(address, servicePort), "lost", 300)).isNull();
            assertThat(listener.noEndpointCount()).isEqualTo(1);
            assertThat(listener.connections()).isZero();
            listener.close();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = UdpEchoServer.client()) {
            return socket.getLocalPort();
        }
    }
}
