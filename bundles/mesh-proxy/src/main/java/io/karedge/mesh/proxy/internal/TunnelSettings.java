package io.karedge.mesh.proxy.internal;

import io.karedge.mesh.proxy.internal.tunnel.TlsEngine;
import io.karedge.mesh.proxy.internal.tunnel.TunnelLimits;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings of the node-to-node tunnel.
 *
 * @param port        the tunnel listener's TCP port; 0 switches the tunnel off
 * @param bindAddress the address the listener binds
 * @param peers       static peers: node name to addresses (labs, standalone nodes)
 * @param ca          PEM file of the CA peers' certificates must be signed by
 * @param certificate PEM file of this node's certificate
 * @param key         PEM file of this node's key (PKCS#8 or SEC1 EC)
 * @param preferLocal whether this node's healthy endpoints take every connection while there are any
 * @param relay       whether this node forwards streams between two of its peers
 * @param relayNodes  relays to go through, in order, to a node that cannot be reached directly
 */
record TunnelSettings(int port, String bindAddress, Map<String, List<InetSocketAddress>> peers, Path ca,
                      Path certificate, Path key, boolean preferLocal, TunnelLimits limits, boolean relay,
                      List<String> relayNodes, TlsEngine tls) {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSettings.class);
    /** the annotation a node's tunnel port is read from on its Node object (else this node's port is assumed) */
    static final String PORT_ANNOTATION = "mesh.karedge.io/tunnel-port";
    /** the annotation with the one address a node's tunnel listens on, when it is bound to one (dialled first) */
    static final String ADDRESS_ANNOTATION = "mesh.karedge.io/tunnel-address";
    /**
     * the annotation with the addresses of the host's interfaces, comma-separated (IPv4 first, at most
     * {@value HostAddresses#MAX}), when the listener is bound to the wildcard (dialled in order before the
     * Node's status addresses)
     */
    static final String ADDRESSES_ANNOTATION = "mesh.karedge.io/tunnel-addresses";
    /** how often a listener on the wildcard checks the host's addresses, to publish them again when they changed */
    static final long ADDRESS_CHECK_MILLIS = 15_000;
    /** keepalive every 500 ms, a peer silent for 1.5 s is gone: its endpoints leave the pools within 2 s */
    static final TunnelLimits MESH_LIMITS = TunnelLimits.DEFAULTS.withPing(500, 1500);

    TunnelSettings {
        port = Math.max(0, Math.min(65535, port));
        bindAddress = bindAddress == null || bindAddress.isBlank() ? "0.0.0.0" : bindAddress.trim();
        peers = Map.copyOf(peers);
        relayNodes = relayNodes == null ? List.of() : List.copyOf(relayNodes);
        tls = tls == null ? TlsEngine.AUTO : tls;
    }

    TunnelSettings(int port, String bindAddress, Map<String, List<InetSocketAddress>> peers, Path ca,
                   Path certificate, Path key, boolean preferLocal, TunnelLimits limits) {
        this(port, bindAddress, peers, ca, certificate, key, preferLocal, limits, false, List.of(), TlsEngine.AUTO);
    }

    TunnelSettings withRelay(boolean serves, List<String> via) {
        return new TunnelSettings(port, bindAddress, peers, ca, certificate, key, preferLocal, limits, serves, via, tls);
    }

    static TunnelSettings off() {
        return new TunnelSettings(0, "0.0.0.0", Map.of(), null, null, null, false, MESH_LIMITS);
    }

    boolean enabled() {
        return port > 0;
    }

    TunnelSettings withPreferLocal(boolean prefer) {
        return new TunnelSettings(port, bindAddress, peers, ca, certificate, key, prefer, limits, relay, relayNodes, tls);
    }

    /**
     * @param dataDirectory where the cloud bridge keeps the credentials CloudCore issued ({@code cloud/ca.crt},
     *                      {@code cloud/edge.crt}, {@code cloud/edge.key}): used for the files not configured
     */
    static TunnelSettings of(MeshProxyComponent.Config config, Path dataDirectory) {
        Path cloud = dataDirectory.resolve("cloud");
        return new TunnelSettings(config.tunnel_port(), config.tunnel_address(),
                parsePeers(config.tunnel_peers(), config.tunnel_port()),
                file(config.tunnel_ca(), cloud.resolve("ca.crt")), file(config.tunnel_cert(), cloud.resolve("edge.crt")),
                file(config.tunnel_key(), cloud.resolve("edge.key")), config.prefer_local(), MESH_LIMITS,
                config.tunnel_relay(), names(config.tunnel_relay_nodes()), tlsEngine(config.tunnel_tls()));
    }

    private static TlsEngine tlsEngine(String value) {
        TlsEngine engine = TlsEngine.parse(value);
        if (engine == null) {
            LOG.warn("tunnel.tls '{}' ignored: expected auto or jdk; using auto", value);
            return TlsEngine.AUTO;
        }
        return engine;
    }

    private static List<String> names(String value) {
        List<String> names = new ArrayList<>();
        if (value != null) {
            for (String name : value.split("[,\\s]+")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        return names;
    }

    private static Path file(String configured, Path fallback) {
        return configured == null || configured.isBlank() ? fallback : Path.of(configured.trim());
    }

    /** {@code node=host[:port],node=host[:port]}: a node may be listed more than once (several addresses) */
    static Map<String, List<InetSocketAddress>> parsePeers(String value, int defaultPort) {
        Map<String, List<InetSocketAddress>> peers = new LinkedHashMap<>();
        if (value == null) {
            return peers;
        }
        for (String entry : value.split("[,\\s]+")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                LOG.warn("tunnel.peers entry '{}' ignored: expected node=host[:port]", entry);
                continue;
            }
            String node = entry.substring(0, equals).trim();
            String hostPort = entry.substring(equals + 1).trim();
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort;
            int port = defaultPort;
            if (colon > 0 && hostPort.indexOf(':') == colon) {
                host = hostPort.substring(0, colon);
                try {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port <= 0 || port > 65535) {
                LOG.warn("tunnel.peers entry '{}' ignored: bad port", entry);
                continue;
            }
            peers.computeIfAbsent(node, k -> new ArrayList<>()).add(InetSocketAddress.createUnresolved(host, port));
        }
        return peers;
    }
}
