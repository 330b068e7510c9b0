package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of the mesh tunnels: a listener that peers dial, the outbound links this node keeps to the
 * peers it knows, and the ready connections by peer node name (a peer may have one connection each way;
 * streams go over the outbound one when it is ready).
 */
public final class Tunnel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tunnel.class);

    private final TunnelContext context;
    private final TunnelTls tls;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends ServerChannel> serverChannel;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final Map<String, List<TunnelConnection>> connections = new ConcurrentHashMap<>();
    private final List<Consumer<String>> peerListeners = new CopyOnWriteArrayList<>();
    private volatile List<String> relays = List.of();
    private TunnelServer server;

    public Tunnel(TunnelCredentials credentials, TunnelLimits limits, StreamAcceptor acceptor, EventLoopGroup group,
           Class<? extends SocketChannel> socketChannel, Class<? extends ServerChannel> serverChannel)
            throws SSLException {
        this(credentials, limits, acceptor, group, socketChannel, serverChannel, NioDatagramChannel.class, false);
    }

    /**
     * @param datagramChannel the channel class UDP endpoints are reached with
     * @param relay           whether this node forwards streams between two of its peers (OPENs with a
     *                        relay-to node)
     */
    public Tunnel(TunnelCredentials credentials, TunnelLimits limits, StreamAcceptor acceptor, EventLoopGroup group,
           Class<? extends SocketChannel> socketChannel, Class<? extends ServerChannel> serverChannel,
           Class<? extends DatagramChannel> datagramChannel, boolean relay) throws SSLException {
        this(credentials, limits, acceptor, group, socketChannel, serverChannel, datagramChannel, relay, TlsEngine.AUTO);
    }

    /** @param engine the TLS engine to use ({@link TlsEngine#AUTO}: OpenSSL when it loads) */
    public Tunnel(TunnelCredentials credentials, TunnelLimits limits, StreamAcceptor acceptor, EventLoopGroup group,
           Class<? extends SocketChannel> socketChannel, Class<? extends ServerChannel> serverChannel,
           Class<? extends DatagramChannel> datagramChannel, boolean relay, TlsEngine engine) throws SSLException {
        this.tls = new TunnelTls(credentials, engine);
        String fallback = tls.fallbackReason();
        LOG.info("Tunnel TLS engine of node {}: {}{}", credentials.nodeName(), tls.engine(),
                fallback == null ? "" : " (OpenSSL not used: " + fallback + ")");
        this.group = group;
        this.socketChannel = socketChannel;
        this.serverChannel = serverChannel;
        this.context = new TunnelContext(credentials.nodeName(), limits, acceptor, socketChannel, datagramChannel,
                new RefusalLog(LOG), new TunnelContext.Events() {
                    @Override
                    public void ready(TunnelConnection connection) {
                        connections.computeIfAbsent(connection.peer(), k -> new CopyOnWriteArrayList<>()).add(connection);
                        LOG.info("Tunnel {} node {} ready ({})", connection.role() == TunnelConnection.Role.DIALER
                                ? "to" : "from", connection.peer(), connection.channel().remoteAddress());
                        peerChanged(connection.peer());
                    }

                    @Override
                    public void closed(TunnelConnection connection) {
                        List<TunnelConnection> list = connections.get(connection.peer());
                        if (list != null) {
                            list.remove(connection);
                        }
                        LOG.info("Tunnel with node {} closed: {}", connection.peer(), connection.closeReason());
                        peerChanged(connection.peer());
                    }
                }, relay, this::connection);
    }

    /** @return the TLS engine of the tunnel's connections: {@code OpenSSL (<version>)} or {@code JDK} */
    public String tlsEngine() {
        return tls.engine();
    }

    public String localNode() {
        return context.localNode();
    }

    RefusalLog refusals() {
        return context.refusals();
    }

    /** Starts listening; {@code port} 0 takes an ephemeral port. */
    public void listen(InetSocketAddress address) throws InterruptedException {
        server = TunnelServer.bind(address, context, tls, group, serverChannel);
    }

    /** @return where the listener is bound, null when not listening */
    public InetSocketAddress address() {
        return server == null ? null : server.address();
    }

    /** Is told the node name whenever a connection with that node became ready or closed. */
    public void onPeerChange(Consumer<String> listener) {
        peerListeners.add(listener);
    }

    /** Keeps an outbound connection to {@code node} at these addresses (updated if the link exists). */
    public void peer(String node, List<InetSocketAddress> addresses) {
        if (node.equals(context.localNode())) {
            return;
        }
        PeerLink existing = links.get(node);
        if (existing != null) {
            existing.addresses(addresses);
            return;
        }
        PeerLink link = new PeerLink(node, addresses, context, tls, group, socketChannel);
        if (links.putIfAbsent(node, link) == null) {
            link.start();
        }
    }

    /** Stops dialling {@code node} and closes the outbound connection to it. */
    public void forget(String node) {
        PeerLink link = links.remove(node);
        if (link != null) {
            link.close();
        }
    }

    public Set<String> linkedPeers() {
        return new TreeSet<>(links.keySet());
    }

    /** @return a ready connection to {@code node}, the outbound one first; null if there is none */
    TunnelConnection connection(String node) {
        PeerLink link = links.get(node);
        TunnelConnection outbound = link == null ? null : link.connection();
        if (outbound != null) {
            return outbound;
        }
        List<TunnelConnection> list = connections.get(node);
        if (list != null) {
            for (TunnelConnection connection : list) {
                if (connection.isReady()) {
                    return connection;
                }
            }
        }
        return null;
    }

    /** Relay nodes to go through, in this order, when a node cannot be reached directly. */
    public void relays(List<String> nodes) {
        this.relays = List.copyOf(nodes);
    }

    /** @return the relay a stream to {@code node} would go through now, or null (direct, or no path) */
    String relayFor(String node) {
        if (connection(node) != null) {
            return null;
        }
        for (String relay : relays) {
            if (!relay.equals(node) && connection(relay) != null) {
                return relay;
            }
        }
        return null;
    }

    TunnelLimits limits() {
        return context.limits();
    }

    /** @return whether a stream to {@code node} can be opened now, directly or through a relay */
    public boolean reachable(String node) {
        return connection(node) != null || relayFor(node) != null;
    }

    /**
     * Opens a stream to {@code node} for a local socket that is not reading yet: over the direct connection
     * when it is ready, else through the first relay that is; fails if neither is. A path that changes
     * applies to streams opened after it.
     */
    public Future<TunnelStream> open(String node, OpenRequest request, Channel local) {
        return open(node, request, local, context.limits().connectMillis());
    }

    /**
     * The same, failing if the node (or the relay) has not answered within {@code answerMillis}
     * ({@link TunnelStreamException#unanswered()}).
     */
    public Future<TunnelStream> open(String node, OpenRequest request, Channel local, long answerMillis) {
        return open(node, request, new SocketEnd(local), local.eventLoop(), answerMillis);
    }

    /**
     * The same for a stream whose end is not a socket (UDP sessions), with the tunnel's connect limit to
     * answer; failures complete on {@code executor}.
     */
    public Future<TunnelStream> open(String node, OpenRequest request, StreamEnd end, EventExecutor executor) {
        return open(node, request, end, executor, context.limits().connectMillis());
    }

    private Future<TunnelStream> open(String node, OpenRequest request, StreamEnd end, EventExecutor executor,
                                      long answerMillis) {
        TunnelConnection direct = connection(node);
        if (direct != null) {
            return direct.open(request, end, answerMillis);
        }
        String relay = relayFor(node);
        TunnelConnection viaRelay = relay == null ? null : connection(relay);
        if (viaRelay == null) {
            return executor.newFailedFuture(new TunnelStreamException("no tunnel to node " + node));
        }
        return viaRelay.open(request.via(node), end, answerMillis);
    }

    public List<PeerStatus> peers() {
        Set<String> names = new TreeSet<>(links.keySet());
        names.addAll(connections.keySet());
        List<PeerStatus> result = new ArrayList<>();
        for (String name : names) {
            TunnelConnection connection = connection(name);
            PeerLink link = links.get(name);
            if (connection == null) {
                List<TunnelConnection> list = connections.get(name);
                if (link == null && (list == null || list.isEmpty())) {
                    continue;
                }
                String relay = relayFor(name);
                result.add(new PeerStatus(name, false, false, relay == null ? PeerStatus.NONE : PeerStatus.RELAY + relay,
                        -1, 0, 0, 0, link == null ? null : link.lastError()));
            } else {
                result.add(new PeerStatus(name, true, connection.role() == TunnelConnection.Role.DIALER,
                        PeerStatus.DIRECT, connection.rttNanos(), connection.streamCount(), connection.bytesIn(),
                        connection.bytesOut(), null));
            }
        }
        return result;
    }

    private void peerChanged(String node) {
        for (Consumer<String> listener : peerListeners) {
            try {
                listener.accept(node);
            } catch (RuntimeException e) {
                LOG.warn("Tunnel peer listener failed for {}", node, e);
            }
        }
    }

    @Override
    public void close() {
        links.values().forEach(PeerLink::close);
        links.clear();
        if (server != null) {
            server.close();
        }
        for (List<TunnelConnection> list : connections.values()) {
            for (TunnelConnection connection : list) {
                connection.channel().close();
            }
        }
        connections.clear();
    }
}
