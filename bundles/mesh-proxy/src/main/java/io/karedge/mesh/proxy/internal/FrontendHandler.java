package io.karedge.mesh.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.karedge.mesh.proxy.internal.tunnel.OpenRequest;
import io.karedge.mesh.proxy.internal.tunnel.Tunnel;
import io.karedge.mesh.proxy.internal.tunnel.TunnelStreamException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of an accepted client connection. The connection does not read until an endpoint
 * is connected: the endpoints are tried in the pool's order on the client's own event loop; a refused or
 * timed-out connect ejects that endpoint and the next one is tried, so the client only sees a failure
 * (its connection closed) when no endpoint could be reached. Once connected, both channels get a
 * {@link RelayHandler}, are spliced into each other when the transport splices, and start reading.
 * An endpoint on another node (with the tunnel on) is reached over a tunnel stream instead.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    /** reads of 2 KiB to 256 KiB, sized by what the last reads returned */
    static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(2048, 16 * 1024, 256 * 1024);

    private final PortListener listener;
    private final Transport transport;
    private final int connectTimeoutMillis;
    /** bytes read before the endpoint is connected (the native transport reads on a FIN even with auto-read off) */
    private final List<Object> early = new ArrayList<>();
    private boolean inputShutdown;

    FrontendHandler(PortListener listener, Transport transport, int connectTimeoutMillis) {
        this.listener = listener;
        this.transport = transport;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel inbound = ctx.channel();
        listener.connectionOpened();
        inbound.closeFuture().addListener(f -> listener.connectionClosed());
        EndpointPool pool = listener.pool();
        List<Target> candidates = pool.candidates((InetSocketAddress) inbound.remoteAddress());
        if (candidates.isEmpty()) {
            LOG.debug("{}: no endpoint; closing {}", listener.name(), inbound);
            listener.noEndpoint();
            inbound.close();
            return;
        }
        connect(inbound, pool, candidates, 0);
    }

    private void connect(Channel inbound, EndpointPool pool, List<Target> candidates, int index) {
        if (!inbound.isActive()) {
            return;
        }
        if (index >= candidates.size()) {
            LOG.debug("{}: every endpoint failed; closing {}", listener.name(), inbound);
            listener.noEndpoint();
            inbound.close();
            return;
        }
        Target target = candidates.get(index);
        EndpointHealth health = pool.health(target);
        if (pool.routing().viaTunnel(target)) {
            connectThroughTunnel(inbound, pool, candidates, index, target, health);
            return;
        }
        boolean splice = transport.splice();
        Bootstrap bootstrap = new Bootstrap()
                .group(inbound.eventLoop())
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .handler(new RelayHandler(inbound, splice, listener.bytesOutCounter()));
        ChannelFuture connecting = bootstrap.connect(target.socketAddress());
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                Channel outbound = connecting.channel();
                if (health != null) {
                    health.succeeded();
                    health.opened();
                    outbound.closeFuture().addListener(f -> health.closed());
                }
                if (!inbound.isActive()) {
                    outbound.close();
                    return;
                }
                for (Object msg : early) {
                    if (msg instanceof ByteBuf buffer) {
                        listener.bytesInCounter().add(buffer.readableBytes());
                    }
                    outbound.write(msg, outbound.voidPromise());
                }
                early.clear();
                outbound.flush();
                inbound.pipeline().replace(this, "relay",
                        new RelayHandler(outbound, splice, listener.bytesInCounter()));
                if (splice) {
                    RelayHandler.splice(outbound, inbound);
                }
                outbound.config().setAutoRead(true);
                if (inputShutdown) {
                    RelayHandler.passOnInputShutdown(inbound, outbound);
                } else {
                    if (splice) {
                        RelayHandler.splice(inbound, outbound);
                    }
                    RelayHandler.autoRead(inbound, true);
                }
            } else {
                if (health != null) {
                    health.failed(System.nanoTime());
                }
                LOG.debug("{}: connect to {} failed ({}); trying the next endpoint", listener.name(), target.id(),
                        done.cause() == null ? "cancelled" : done.cause().toString());
                connect(inbound, pool, candidates, index + 1);
            }
        });
    }

    /**
     * The endpoint is on another node: a stream to it is opened over that node's tunnel, the far node dials
     * it. A refusal (OPEN_FAIL: not an endpoint there, connect failed) or no answer within the connect timeout
     * (the node may have lost power while its tunnel connection has not reached its idle limit yet) ejects
     * the endpoint like a failed connect; no tunnel to the node leaves the endpoint's health alone (the node's
     * reachability already keeps it out of new connections). Either way the next candidate is tried.
     */
    private void connectThroughTunnel(Channel inbound, EndpointPool pool, List<Target> candidates, int index,
                                      Target target, EndpointHealth health) {
        Tunnel tunnel = pool.routing().tunnel();
        OpenRequest request = OpenRequest.tcp(listener.namespace(), listener.service(), listener.port(),
                target.ip(), target.port());
        tunnel.open(target.node(), request, inbound, connectTimeoutMillis).addListener(done -> inbound.eventLoop().execute(() -> {
            if (done.isSuccess()) {
                if (health != null) {
                    health.succeeded();
                    health.opened();
                    inbound.closeFuture().addListener(f -> health.closed());
                }
                handOver(inbound);
                return;
            }
            String reason = String.valueOf(done.cause() == null ? null : done.cause().getMessage());
            if (health != null && done.cause() instanceof TunnelStreamException failure
                    && (failure.refusedByPeer() || failure.unanswered())) {
                health.failed(System.nanoTime());
            }
            LOG.debug("{}: stream to {} on node {} failed ({}); trying the next endpoint", listener.name(),
                    target.id(), target.node(), reason);
            connect(inbound, pool, candidates, index + 1);
        }));
    }

    /**
     * The tunnel stream's handler now follows this one in the pipeline and reading is on: this handler
     * steps aside, passing on what it held (bytes, a FIN) in order; the byte counter goes in its place.
     */
    private void handOver(Channel inbound) {
        ChannelPipeline pipeline = inbound.pipeline();
        pipeline.replace(this, "counter", new ByteCounter(listener.bytesInCounter(), listener.bytesOutCounter()));
        List<Object> held = new ArrayList<>(early);
        early.clear();
        for (Object msg : held) {
            pipeline.fireChannelRead(msg);
        }
        if (inputShutdown) {
            pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: client connection failed before relaying: {}", listener.name(), cause.toString());
        ctx.close();
    }
}
