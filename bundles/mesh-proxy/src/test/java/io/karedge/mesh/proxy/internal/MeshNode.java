package io.karedge.mesh.proxy.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.mesh.proxy.internal.tunnel.TunnelCredentials;
import io.karedge.test.support.InMemoryMetaStore;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * A whole mesh node for tunnel tests: its own MetaStore, Service addresses from its own 127.x range, a
 * tunnel on {@code 127.0.<n>.1}, and credential files (the key as SEC1 {@code EC PRIVATE KEY}, as the cloud
 * bridge stores it).
 */
final class MeshNode implements AutoCloseable {

    final String name;
    final InMemoryMetaStore store = new InMemoryMetaStore();
    final int tunnelPort;
    final InetAddress tunnelAddress;
    private final MeshSettings settings;
    private final TunnelSettings tunnel;
    private final Path directory;
    MeshProxyComponent component;
    /** What the node's tunnel publishes on its Node now (null while it does not listen). */
    final java.util.concurrent.atomic.AtomicReference<TunnelAnnotations> published =
            new java.util.concurrent.atomic.AtomicReference<>();

    MeshNode(String name, int n, TunnelCredentials credentials, Path directory, Map<String, List<InetSocketAddress>> peers,
             boolean preferLocal) throws Exception {
        this(name, n, credentials, directory, peers, preferLocal, false, List.of());
    }

    /**
     * @param relay      whether the node serves as a relay
     * @param relayNodes the relays it goes through
     */
    MeshNode(String name, int n, TunnelCredentials credentials, Path directory, Map<String, List<InetSocketAddress>> peers,
             boolean preferLocal, boolean relay, List<String> relayNodes) throws Exception {
        this.name = name;
        this.directory = directory;
        this.tunnelPort = Client.freePort();
        this.tunnelAddress = InetAddress.getByName("127.0." + n + ".1");
        Files.createDirectories(directory);
        pem(directory.resolve("ca.crt"), credentials.ca());
        pem(directory.resolve("edge.crt"), credentials.chain().get(0));
        pem(directory.resolve("edge.key"), credentials.key());
        this.settings = MeshSettings.forTests("127." + n + ".0.0/16").withEjection(2000, 10_000);
        this.tunnel = new TunnelSettings(tunnelPort, tunnelAddress.getHostAddress(), peers, directory.resolve("ca.crt"),
                directory.resolve("edge.crt"), directory.resolve("edge.key"), preferLocal, TunnelSettings.MESH_LIMITS)
                .withRelay(relay, relayNodes);
        start();
    }

    InetSocketAddress tunnelEndpoint() {
        return new InetSocketAddress(tunnelAddress, tunnelPort);
    }

    void start() {
        component = new MeshProxyComponent(store, name, settings, KernelSettings.off(), tunnel,
                directory.resolve("addresses.properties"), Path.of("/nonexistent/resolv.conf"), published::set);
    }

    private static void pem(Path file, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        Files.writeString(file, text.toString());
    }

    /** A Service {@code default/<name>} with one TCP port 80. */
    void service(String service) {
        ObjectNode object = Mesh.object("Service", "default", service);
        ObjectNode spec = object.putObject("spec");
        spec.putObject("selector").put("app", service);
        spec.putArray("ports").addObject().put("name", "tcp").put("port", 80).put("protocol", "TCP");
        store.put(object, "test");
    }

    /** A Service {@code default/<name>} with one UDP port 53 named {@code udp}. */
    void udpService(String service) {
        ObjectNode object = Mesh.object("Service", "default", service);
        ObjectNode spec = object.putObject("spec");
        spec.putObject("selector").put("app", service);
        spec.putArray("ports").addObject().put("name", "udp").put("port", 53).put("protocol", "UDP");
        store.put(object, "test");
    }

    /** UDP endpoints on 127.0.0.1, each on the node named with it. */
    void udpEndpoints(String service, Object... nodeAndPort) {
        ObjectNode object = Mesh.object("Endpoints", "default", service);
        ArrayNode subsets = object.putArray("subsets");
        for (int i = 0; i < nodeAndPort.length; i += 2) {
            ObjectNode subset = subsets.addObject();
            subset.putArray("addresses").addObject().put("ip", "127.0.0.1").put("nodeName", (String) nodeAndPort[i]);
            subset.putArray("ports").addObject().put("name", "udp").put("port", (Integer) nodeAndPort[i + 1])
                    .put("protocol", "UDP");
        }
        store.put(object, "test");
    }

    /** Endpoints on 127.0.0.1, each on the node named with it: {@code "b", 4711, "c", 4712}. */
    void endpoints(String service, Object... nodeAndPort) {
        ObjectNode object = Mesh.object("Endpoints", "default", service);
        ArrayNode subsets = object.putArray("subsets");
        for (int i = 0; i < nodeAndPort.length; i += 2) {
            ObjectNode subset = subsets.addObject();
            subset.putArray("addresses").addObject().put("ip", "127.0.0.1").put("nodeName", (String) nodeAndPort[i]);
            subset.putArray("ports").addObject().put("name", "tcp").put("port", (Integer) nodeAndPort[i + 1])
                    .put("protocol", "TCP");
        }
        store.put(object, "test");
    }

    /** @return the Service's address once it listens */
    InetAddress address(String service) {
        return component.services().stream().filter(s -> s.name().equals(service) && s.ports().get(0).listening())
                .findFirst().map(s -> {
                    try {
                        return InetAddress.getByName(s.address());
                    } catch (UnknownHostException e) {
                        throw new UncheckedIOException(e);
                    }
                }).orElse(null);
    }

    MeshTunnel tunnel() {
        return component.proxy().tunnel();
    }

    boolean linkedTo(String node) {
        return tunnel().peers().stream().anyMatch(p -> p.node().equals(node) && p.connected());
    }

    @Override
    public void close() {
        component.deactivate();
    }
}
