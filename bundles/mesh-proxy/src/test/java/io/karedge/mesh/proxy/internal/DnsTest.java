package io.karedge.mesh.proxy.internal;

import io.karedge.test.support.InMemoryMetaStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.mesh.DnsStatus;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DNS responder on 127.0.0.1 (ephemeral port); forwarding only ever to a fake upstream on 127.0.0.1. */
class DnsTest {

    static final String RANGE = "127.78.0.0/16";

    @TempDir
    Path dir;

    final InMemoryMetaStore store = new InMemoryMetaStore();
    Mesh mesh;
    DatagramSocket upstream;

    @AfterEach
    void tearDown() {
        if (mesh != null) {
            mesh.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private InetAddress startWithService(MeshSettings settings) throws IOException {
        mesh = new Mesh(store, settings, dir.resolve("addresses.properties"));
        mesh.endpoints("shop", "cart", 1);
        mesh.service("shop", "cart", Client.freePort());
        mesh.endpoints("default", "web", 1);
        mesh.service("default", "web", Client.freePort());
        await().atMost(Duration.ofSeconds(1)).until(() -> mesh.component.dns().listening()
                && mesh.service("shop", "cart").isPresent() && mesh.service("default", "web").isPresent());
        return InetAddress.getByName(mesh.service("shop", "cart").orElseThrow().address());
    }

    private InetSocketAddress dnsAddress() {
        return mesh.component.proxy().dnsAddress();
    }

    private DnsMessages.Reply ask(String name, int type) throws IOException {
        return DnsMessages.ask(dnsAddress(), DnsMessages.query(4242, name, type), 2000).orElseThrow();
    }

    @Test
    void answersFullyQualifiedAndShortNames() throws IOException {
        InetAddress cart = startWithService(MeshSettings.forTests(RANGE));
        InetAddress web = InetAddress.getByName(mesh.service("default", "web").orElseThrow().address());

        for (String name : List.of("cart.shop.svc.cluster.local", "CART.shop.svc.cluster.local.", "cart.shop.svc",
                "cart.shop")) {
            DnsMessages.Reply reply = ask(name, DnsMessages.A);
            assertThat(reply.id()).isEqualTo(4242);
            assertThat(reply.rcode()).as(name).isZero();
            assertThat(reply.authoritative()).isTrue();
            assertThat(reply.firstA()).as(name).isEqualTo(cart);
        }
        assertThat(ask("web", DnsMessages.A).firstA()).as("short name in the default namespace").isEqualTo(web);
        assertThat(ask("web.default.svc.cluster.local", DnsMessages.A).firstA()).isEqualTo(web);
        assertThat(mesh.component.resolve("cart.shop").address()).isEqualTo(cart.getHostAddress());
        assertThat(mesh.component.dns().answered()).isEqualTo(6);
    }

    @Test
    void unknownClusterNamesAreNxdomainAndOtherTypesAreEmpty() throws IOException {
        startWithService(MeshSettings.forTests(RANGE));

        assertThat(ask("nope.shop.svc.cluster.local", DnsMessages.A).rcode()).isEqualTo(3);
        assertThat(ask("a.b.c.cluster.local", DnsMessages.A).rcode()).isEqualTo(3);
        assertThat(ask("nope.shop.svc", DnsMessages.A).rcode()).isEqualTo(3);
        DnsMessages.Reply aaaa = ask("cart.shop.svc.cluster.local", DnsMessages.AAAA);
        assertThat(aaaa.rcode()).isZero();
        assertThat(aaaa.answers()).isZero();
        // forwarding is off in tests: a name outside the mesh is refused, never sent anywhere
        assertThat(ask("example.org", DnsMessages.A).rcode()).isEqualTo(5);
        DnsStatus status = mesh.component.dns();
        assertThat(status.nxdomain()).isEqualTo(3);
        assertThat(status.refused()).isEqualTo(1);
        assertThat(status.forwarded()).isZero();
    }

    @Test
    void malformedPacketsAreIgnoredAndCounted() throws IOException {
        InetAddress cart = startWithService(MeshSettings.forTests(RANGE));
        byte[] truncated = java.util.Arrays.copyOf(DnsMessages.query(7, "cart.shop", DnsMessages.A), 20);
        byte[] response = DnsMessages.query(8, "cart.shop", DnsMessages.A);
        response[2] |= (byte) 0x80; // QR=1: a response, not a query

        assertThat(DnsMessages.ask(dnsAddress(), "hello".getBytes(), 300)).isEmpty();
        assertThat(DnsMessages.ask(dnsAddress(), truncated, 300)).isEmpty();
        assertThat(DnsMessages.ask(dnsAddress(), response, 300)).isEmpty();

        await().atMost(Duration.ofSeconds(1)).until(() -> mesh.component.dns().malformed() == 3);
        assertThat(ask("cart.shop", DnsMessages.A).firstA()).as("still answering").isEqualTo(cart);
        assertThat(mesh.component.dns().queries()).isEqualTo(1);
    }

    @Test
    void otherNamesGoToTheUpstreamWithTheClientsId() throws IOException {
        upstream = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        List<String> asked = new CopyOnWriteArrayList<>();
        Thread fake = new Thread(() -> {
            byte[] buffer = new byte[1500];
            while (!upstream.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    upstream.receive(packet);
                    byte[] query = java.util.Arrays.copyOf(buffer, packet.getLength());
                    asked.add(DnsMessages.questionName(query));
                    byte[] answer = answer(query, new byte[] {127, 0, 0, 99});
                    upstream.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-upstream");
        fake.setDaemon(true);
        fake.start();
        startWithService(MeshSettings.forTests(RANGE).withUpstreams(List.of("127.0.0.1:" + upstream.getLocalPort())));

        DnsMessages.Reply reply = DnsMessages.ask(dnsAddress(), DnsMessages.query(777, "example.org", DnsMessages.A),
                2000).orElseThrow();

        assertThat(reply.id()).isEqualTo(777);
        assertThat(reply.firstA()).isEqualTo(InetAddress.getByAddress(new byte[] {127, 0, 0, 99}));
        assertThat(asked).containsExactly("example.org");
        assertThat(ask("cart.shop", DnsMessages.A).firstA()).isNotEqualTo(reply.firstA());
        assertThat(asked).as("mesh names are not forwarded").hasSize(1);
        assertThat(mesh.component.dns().forwarded()).isEqualTo(1);
        assertThat(mesh.component.dns().upstreams()).containsExactly("127.0.0.1:" + upstream.getLocalPort());
    }

    /** a reply to {@code query} with one A record */
    private static byte[] answer(byte[] query, byte[] address) {
        byte[] reply = java.util.Arrays.copyOf(query, query.length + 16);
        reply[2] = (byte) 0x81;
        reply[3] = (byte) 0x80;
        reply[7] = 1;
        int at = query.length;
        byte[] record = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, address[0], address[1], address[2], address[3]};
        System.arraycopy(record, 0, reply, at, record.length);
        return reply;
    }

    @Test
    void busyPortIsReportedWithoutStoppingTheProxy() throws IOException {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            mesh = new Mesh(store, MeshSettings.forTests(RANGE).withDnsPort(taken.getLocalPort()),
                    dir.resolve("addresses.properties"));
            mesh.endpoints("default", "web", 1);
            mesh.service("default", "web", Client.freePort());

            await().atMost(Duration.ofSeconds(1)).until(() -> !mesh.component.dns().error().isEmpty()
                    && !mesh.component.dns().error().equals("not started"));
            assertThat(mesh.component.dns().listening()).isFalse();
            await().atMost(Duration.ofSeconds(1)).until(() -> mesh.listening("default", "web"), Optional::isPresent);
        }
    }
}
