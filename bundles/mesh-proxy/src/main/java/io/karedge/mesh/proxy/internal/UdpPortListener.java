package io.karedge.mesh.proxy.internal;

import io.karedge.mesh.proxy.internal.tunnel.DatagramEnd;
import io.karedge.mesh.proxy.internal.tunnel.OpenRequest;
import io.karedge.mesh.proxy.internal.tunnel.Tunnel;
import io.karedge.mesh.proxy.internal.tunnel.TunnelStreamException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local UDP relay of one Service port, on the Service's loopback address and the Service port. Each
 * client address (IP and port) gets a session: a socket connected to one endpoint, chosen by the policy
 * when the client's first datagram arrives, that carries the client's datagrams there and the endpoint's
 * replies back from the Service address. A session ends after {@link #SESSION_IDLE_MILLIS} without
 * traffic either way, or when the endpoint refuses a datagram (ICMP port unreachable), which also counts
 * as a failure of that endpoint so that new sessions avoid it. Replacing the pool leaves open sessions on
 * their endpoint (they drain by going idle). With the tunnel on, a session to an endpoint on another node
 * is a UDP stream to that node instead of a socket, ended the same ways (and when the far side resets it).
 */
final class UdpPortListener extends BoundPortRelay {

    private static final Logger LOG = LoggerFactory.getLogger(UdpPortListener.class);
    static final long SESSION_IDLE_MILLIS = 30_000;
    /** datagrams a session holds while its socket connects; more are dropped, as a network would */
    static final int PENDING_MAX = 64;

    private final Transport transport;
    private final long idleMillis;
    private final Map<InetSocketAddress, Session> sessions = new ConcurrentHashMap<>();
    private String namespace = "";
    private String service = "";

    UdpPortListener(String name, InetAddress address, int port, EndpointPool pool, Transport transport) {
        this(name, address, port, pool, transport, SESSION_IDLE_MILLIS);
    }

    /** A listener of the Service {@code namespace/service}, whose sessions may go through the tunnel. */
    UdpPortListener(String namespace, String service, InetAddress address, int port, EndpointPool pool,
                    Transport transport) {
        this(ServicePlan.id(namespace, service) + ":" + port + "/udp", address, port, pool, transport,
                SESSION_IDLE_MILLIS);
        this.namespace = namespace;
        this.service = service;
    }

    UdpPortListener(String name, InetAddress address, int port, EndpointPool pool, Transport transport,
                    long idleMillis) {
        super(name, address, port, pool);
        this.transport = transport;
        this.idleMillis = idleMillis;
    }

    @Override
    ChannelFuture startBind(InetSocketAddress at) {
        return new Bootstrap().group(transport.group()).channel(transport.datagramChannel())
                .handler(new ClientSide()).bind(at);
    }

    @Override
    public int connections() {
        return sessions.size();
    }

    @Override
    void closeOpenTraffic() {
        new ArrayList<>(sessions.values()).forEach(Session::close);
    }

    /** Datagrams from clients, on the Service address: each goes to its client's session. */
    private final class ClientSide extends SimpleChannelInboundHandler<DatagramPacket> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress client = packet.sender();
            Session session = sessions.get(client);
            if (session == null) {
                session = open(ctx.channel(), client);
                if (session == null) {
                    return;
                }
            }
            session.send(packet.content().retain());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Mesh listener {}: {}", name(), cause.toString());
        }
    }

    /** A new session on the policy's first healthy pick; null (datagram dropped) without endpoints. */
    private Session open(Channel front, InetSocketAddress client) {
        EndpointPool current = pool();
        List<Target> candidates = current.candidates(client);
        if (candidates.isEmpty()) {
            noEndpoint();
            return null;
        }
        Target target = candidates.get(0);
        Session session = new Session(front, client, current.health(target));
        sessions.put(client, session);
        if (current.routing().viaTunnel(target)) {
            session.throughTunnel(current.routing().tunnel(), target);
            return session;
        }
        ChannelFuture connecting = new Bootstrap().group(front.eventLoop()).channel(transport.datagramChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS),
                                new EndpointSide(session));
                    }
                })
                .connect(target.socketAddress());
        session.connecting(connecting);
        return session;
    }

    /** Replies from the endpoint: back to the client, from the Service address. */
    private final class EndpointSide extends SimpleChannelInboundHandler<DatagramPacket> {

        private final Session session;

        EndpointSide(Session session) {
            this.session = session;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
            session.reply(reply.content().retain());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                session.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof java.net.PortUnreachableException) {
                session.refused();
            } else {
                LOG.debug("Mesh UDP session of {} on {}: {}", session.client, name(), cause.toString());
                session.close();
            }
        }
    }

    /** One client's traffic to one endpoint. Touched on the front channel's event loop. */
    private final class Session {

        private final Channel front;
        private final InetSocketAddress client;
        private final EndpointHealth health;
        private final List<ByteBuf> pending = new ArrayList<>();
        private Channel outbound;
        private boolean closed;
        /** a session to an endpoint on another node: its datagrams go as records of a UDP tunnel stream */
        private DatagramEnd tunnelled;
        private boolean tunnelReady;
        private volatile long lastActivity = System.nanoTime();

        Session(Channel front, InetSocketAddress client, EndpointHealth health) {
            this.front = front;
            this.client = client;
            this.health = health;
            if (health != null) {
                health.opened();
            }
        }

        void connecting(ChannelFuture future) {
            future.addListener(done -> front.eventLoop().execute(() -> {
                if (!done.isSuccess()) {
                    if (health != null) {
                        health.failed(System.nanoTime());
                    }
                    close();
                    return;
                }
                outbound = future.channel();
                if (closed) {
                    outbound.close();
                    return;
                }
                pending.forEach(outbound::write);
                pending.clear();
                outbound.flush();
            }));
        }

        /**
         * Opens a UDP stream to the endpoint's node; its answers come back as records. A refusal there
         * ejects the endpoint like a refused datagram; the session ends after the idle time.
         */
        void throughTunnel(Tunnel tunnel, Target target) {
            tunnelled = new DatagramEnd(this::reply, this::close);
            OpenRequest request = new OpenRequest(true, namespace, service, port(), target.ip(), target.port(), "");
            tunnel.open(target.node(), request, tunnelled, front.eventLoop()).addListener(done ->
                    front.eventLoop().execute(() -> {
                        if (!done.isSuccess()) {
                            if (health != null && done.cause() instanceof TunnelStreamException refusal
                                    && refusal.refusedByPeer()) {
                                health.failed(System.nanoTime());
                            }
                            LOG.debug("Mesh UDP session of {} on {}: {}", client, name(), String.valueOf(done.cause()));
                            close();
                            return;
                        }
                        if (closed) {
                            tunnelled.end();
                            return;
                        }
                        tunnelReady = true;
                        pending.forEach(tunnelled::send);
                        pending.clear();
                        checkIdle();
                    }));
        }

        private void checkIdle() {
            if (closed) {
                return;
            }
            long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivity);
            if (idle >= idleMillis) {
                close();
                return;
            }
            front.eventLoop().schedule(this::checkIdle, idleMillis - idle, TimeUnit.MILLISECONDS);
        }

        void send(ByteBuf datagram) {
            if (!front.eventLoop().inEventLoop()) {
                front.eventLoop().execute(() -> send(datagram));
                return;
            }
            lastActivity = System.nanoTime();
            if (closed) {
                datagram.release();
            } else if (tunnelled != null && tunnelReady) {
                bytesInCounter().add(datagram.readableBytes());
                tunnelled.send(datagram);
            } else if (outbound != null) {
                bytesInCounter().add(datagram.readableBytes());
                outbound.writeAndFlush(datagram);
            } else if (pending.size() < PENDING_MAX) {
                bytesInCounter().add(datagram.readableBytes());
                pending.add(datagram);
            } else {
                datagram.release();
            }
        }

        void reply(ByteBuf datagram) {
            lastActivity = System.nanoTime();
            if (health != null) {
                health.succeeded();
            }
            bytesOutCounter().add(datagram.readableBytes());
            front.writeAndFlush(new DatagramPacket(datagram, client));
        }

        /** The endpoint answered "port unreachable": it counts as a failure and the session ends. */
        void refused() {
            if (health != null) {
                health.failed(System.nanoTime());
            }
            close();
        }

        void close() {
            if (!front.eventLoop().inEventLoop()) {
                front.eventLoop().execute(this::close);
                return;
            }
            if (closed) {
                return;
            }
            closed = true;
            sessions.remove(client, this);
            pending.forEach(ByteBuf::release);
            pending.clear();
            if (outbound != null) {
                outbound.close();
            }
            if (tunnelled != null) {
                tunnelled.end();
            }
            if (health != null) {
                health.closed();
            }
        }
    }
}
