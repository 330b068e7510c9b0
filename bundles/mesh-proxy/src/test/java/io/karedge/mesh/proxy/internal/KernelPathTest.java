package io.karedge.mesh.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPort;
import io.karedge.test.support.InMemoryMetaStore;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel data path against the real nftables of this machine: runs where {@code nft} works (root or
 * CAP_NET_ADMIN, nf_tables in the kernel) and is skipped elsewhere. Every address is on loopback; the
 * table has a name of its own per test and is gone afterwards.
 */
class KernelPathTest {

    static final String RANGE = "127.78.0.0/16";

    @TempDir
    Path dir;

    final InMemoryMetaStore store = new InMemoryMetaStore();
    final EchoServers servers = new EchoServers();
    final String table = "karedge_test_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100000;
    Mesh mesh;
    int servicePort;

    @BeforeEach
    void setUp() throws IOException {
        NftablesPath probe = NftablesPath.open("nft", table);
        assumeTrue(probe != null, "nft is not usable here (not installed, or no CAP_NET_ADMIN)");
        probe.remove();
        servicePort = Client.freePort();
        mesh = new Mesh(store, MeshSettings.forTests(RANGE), new KernelSettings(true, "nft", table, 100),
                dir.resolve("addresses.properties"));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (mesh != null) {
            mesh.close();
        }
        servers.close();
    }

    private EchoServer echo(String name) throws IOException {
        return servers.start(name);
    }

    private InetAddress awaitKernel(String name) {
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> mesh.service("default", name)
                .map(s -> MeshPort.KERNEL.equals(s.ports().get(0).dataPath())).orElse(false));
        return mesh.listening("default", name).orElseThrow();
    }

    private Map<String, Integer> spread(InetAddress address, int connections) {
        return Client.spread(address, servicePort, connections);
    }

    private static String nft(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("nft"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(5, TimeUnit.SECONDS);
        return process.exitValue() + ":" + output;
    }

    /** Service web with the echo servers a and b as endpoints, once the kernel forwards it. */
    private InetAddress webOnTwoEndpoints(EchoServer a, EchoServer b) {
        mesh.endpoints("default", "web", a.port(), b.port());
        mesh.service("default", "web", servicePort);
        return awaitKernel("web");
    }

    @Test
    void theKernelBalancesRoundRobinAndTheProxySeesNoConnection() throws Exception {
        InetAddress address = webOnTwoEndpoints(echo("a"), echo("b"));

        Map<String, Integer> counts = spread(address, 200);

        assertThat(counts).containsOnlyKeys("a", "b");
        counts.values().forEach(count -> assertThat(count).isBetween(90, 110));
        // nothing went through the relay: its listener counted no connection to any endpoint
        assertThat(mesh.endpointsOf("default", "web")).extracting(MeshEndpoint::totalConnections).containsOnly(0L);
        assertThat(nft("list", "table", "ip", table)).startsWith("0:").contains("numgen inc mod 2");
    }

    @Test
    void sourceHashKeepsAClientOnOneEndpoint() throws Exception {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        mesh.endpoints("default", "web", a.port(), b.port());
        mesh.rule("default", "web", "{\"consistentHash\":{\"useSourceIp\":true}}");
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitKernel("web");
        await().atMost(Duration.ofSeconds(2)).until(() -> nft("list", "table", "ip", table).contains("jhash"));

        for (int client = 2; client < 12; client++) {
            InetAddress source = Client.loopback(client);
            String first = Client.once(address, servicePort, source);
            for (int i = 0; i < 5; i++) {
                assertThat(Client.once(address, servicePort, source)).isEqualTo(first);
            }
        }
    }

    @Test
    void aDeadEndpointLeavesTheRulesWithinASecond() throws Exception {
        EchoServer b = echo("b");
        InetAddress address = webOnTwoEndpoints(echo("a"), b);

        b.close();
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() ->
                mesh.endpointsOf("default", "web").stream().anyMatch(e -> e.port() == b.port() && !e.healthy()));
        await().atMost(Duration.ofSeconds(1)).until(() -> !nft("list", "table", "ip", table).contains(". " + b.port()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));

        assertThat(spread(address, 20)).containsOnlyKeys("a");
    }

    @Test
    void stoppingTheMeshRemovesItsTable() throws Exception {
        EchoServer a = echo("a");
        mesh.endpoints("default", "web", a.port());
        mesh.service("default", "web", servicePort);
        awaitKernel("web");
        assertThat(nft("list", "table", "ip", table)).startsWith("0:");

        mesh.close();
        mesh = null;

        assertThat(nft("list", "table", "ip", table)).doesNotStartWith("0:");
    }

    @Test
    void withoutHealthyEndpointsTheProxyTakesTheConnections() throws Exception {
        EchoServer a = echo("a");
        mesh.endpoints("default", "web", a.port());
        mesh.service("default", "web", servicePort);
        InetAddress address = awaitKernel("web");
        int port = a.port();

        a.close();
        await().atMost(Duration.ofSeconds(1)).until(() -> mesh.service("default", "web")
                .map(s -> MeshPort.PROXY.equals(s.ports().get(0).dataPath())).orElse(false));
        servers.start("again", port);

        // the relay still listens underneath and reaches the endpoint once it is back
        await().atMost(Duration.ofSeconds(3)).ignoreExceptions()
                .until(() -> Client.once(address, servicePort, null).equals("again"));
    }
}
