package io.karedge.mesh.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.mesh.proxy.internal.tunnel.OpenRequest;
import io.karedge.mesh.proxy.internal.tunnel.PeerStatus;
import io.karedge.mesh.proxy.internal.tunnel.PemCredentials;
import io.karedge.mesh.proxy.internal.tunnel.StreamAcceptor;
import io.karedge.mesh.proxy.internal.tunnel.Tunnel;
import io.karedge.mesh.proxy.internal.tunnel.TunnelCredentials;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's side of the tunnel: starts it once the node's credentials can be read and the port bound
 * (retried until then), answers peers' OPENs from the endpoints this node exports, and keeps a link to every
 * node that has endpoints of a proxied Service, plus the static peers. Runs on the mesh's control thread,
 * except {@link #decide}, which the tunnel calls from its event loops.
 */
final class MeshTunnel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeshTunnel.class);

    private final TunnelSettings settings;
    private final String nodeName;
    private final Transport transport;
    private final Routing routing;
    private final Runnable peersChanged;
    private final Consumer<InetSocketAddress> listening;
    private volatile TunnelExports exports = TunnelExports.NONE;
    private volatile String error;
    private Tunnel tunnel;
    private String lastLogged;
    private Map<String, List<InetSocketAddress>> linked = Map.of();
    private final PeerAddresses peerAddresses;

    MeshTunnel(TunnelSettings settings, String nodeName, Transport transport, Routing routing, Runnable peersChanged) {
        this(settings, nodeName, transport, routing, peersChanged, address -> { });
    }

    /**
     * @param listening told the address the listener is bound to once the tunnel runs, and {@code null} when it
     *                  stops (the node publishes it on its Node)
     */
    MeshTunnel(TunnelSettings settings, String nodeName, Transport transport, Routing routing, Runnable peersChanged,
               Consumer<InetSocketAddress> listening) {
        this.listening = listening;
        this.settings = settings;
        this.nodeName = nodeName;
        this.transport = transport;
        this.routing = routing;
        this.peersChanged = peersChanged;
        this.peerAddresses = new PeerAddresses(settings.port());
    }

    /** Starts the tunnel if it is not running yet; a missing credential or a port in use is logged once. */
    void ensureStarted() {
        if (tunnel != null) {
            return;
        }
        Tunnel started = null;
        try {
            TunnelCredentials credentials = PemCredentials.load(settings.ca(), settings.certificate(), settings.key());
            if (!credentials.nodeName().equals(nodeName)) {
                throw new IllegalStateException("the certificate " + settings.certificate() + " is for node "
                        + credentials.nodeName() + ", this node is " + nodeName);
            }
            started = new Tunnel(credentials, settings.limits(), this::decide, transport.group(),
                    transport.socketChannel(), transport.serverChannel(), transport.datagramChannel(), settings.relay(),
                    settings.tls());
            started.relays(settings.relayNodes());
            started.listen(new InetSocketAddress(settings.bindAddress(), settings.port()));
            started.onPeerChange(node -> peersChanged.run());
            tunnel = started;
            routing.tunnel(started);
            error = null;
            LOG.info("Mesh tunnel of node {} listening on {}", nodeName, started.address());
            listening.accept(started.address());
        } catch (Exception e) {
            if (started != null) {
                started.close();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!error.equals(lastLogged)) {
                lastLogged = error;
                LOG.warn("Mesh tunnel not started (retried): {}", error);
            }
        }
    }

    /** @return why the tunnel is not running, or null */
    String error() {
        return error;
    }

    InetSocketAddress address() {
        Tunnel running = tunnel;
        return running == null ? null : running.address();
    }

    List<PeerStatus> peers() {
        Tunnel running = tunnel;
        return running == null ? List.of() : running.peers();
    }

    /**
     * After a reconcile: the endpoints peers may open, the nodes this node needs links to, and which nodes
     * are NotReady.
     */
    void update(ServiceCatalog catalog, List<ServicePlan> plans) {
        exports = catalog.exports();
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        for (JsonNode node : catalog.nodes()) {
            nodes.put(node.path("metadata").path("name").asText(""), node);
        }
        Set<String> notReady = new HashSet<>();
        nodes.forEach((name, node) -> {
            if (!ready(node)) {
                notReady.add(name);
            }
        });
        routing.notReady(notReady);
        if (tunnel == null) {
            return;
        }
        Map<String, List<InetSocketAddress>> wanted = new LinkedHashMap<>(settings.peers());
        for (String relay : settings.relayNodes()) {
            if (!wanted.containsKey(relay)) {
                List<InetSocketAddress> addresses = peerAddresses.of(nodes.get(relay));
                if (!addresses.isEmpty()) {
                    wanted.put(relay, addresses);
                }
            }
        }
        for (ServicePlan plan : plans) {
            for (ServicePlan.PortPlan port : plan.ports()) {
                for (Target target : port.targets()) {
                    if (!routing.local(target) && !wanted.containsKey(target.node())) {
                        List<InetSocketAddress> addresses = peerAddresses.of(nodes.get(target.node()));
                        if (!addresses.isEmpty()) {
                            wanted.put(target.node(), addresses);
                        }
                    }
                }
            }
        }
        wanted.remove(nodeName);
        if (wanted.equals(linked)) {
            return;
        }
        for (String node : linked.keySet()) {
            if (!wanted.containsKey(node)) {
                tunnel.forget(node);
            }
        }
        wanted.forEach((node, addresses) -> {
            if (!Objects.equals(linked.get(node), addresses)) {
                tunnel.peer(node, addresses);
            }
        });
        linked = Map.copyOf(wanted);
    }

    private static boolean ready(JsonNode node) {
        for (JsonNode condition : node.path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asText())) {
                return "True".equals(condition.path("status").asText());
            }
        }
        return true; // no Ready condition reported: not known to be down
    }

    /** What a peer may open: streams to endpoints of this node's proxied Service ports (TCP or UDP as the port is), nothing else. */
    private StreamAcceptor.Decision decide(String peer, OpenRequest request) {
        if (!request.relayTo().isEmpty()) {
            return StreamAcceptor.Decision.refuse("node " + nodeName + " does not relay for " + request.relayTo());
        }
        InetSocketAddress address = exports.lookup(request.udp() ? "UDP" : "TCP", request.namespace(), request.service(), request.servicePort(),
                request.endpointIp(), request.endpointPort());
        if (address == null) {
            return StreamAcceptor.Decision.refuse(request.endpointIp() + ":" + request.endpointPort()
                    + " is not an endpoint of " + request.namespace() + "/" + request.service() + ":"
                    + request.servicePort() + " on node " + nodeName);
        }
        return StreamAcceptor.Decision.dial(address);
    }

    @Override
    public void close() {
        routing.tunnel(null);
        if (tunnel != null) {
            listening.accept(null);
            tunnel.close();
            tunnel = null;
        }
    }
}
