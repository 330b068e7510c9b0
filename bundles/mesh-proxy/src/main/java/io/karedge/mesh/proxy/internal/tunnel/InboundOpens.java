package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The OPENs a peer sends over one connection: refused by the stream limit, by the {@link StreamAcceptor} or
 * (for a relay-to node) when this node is no relay; otherwise the endpoint is dialled (a TCP connection, or
 * a UDP socket for a UDP stream) or, on a relay, the second leg opened, and the stream answered with
 * OPEN_OK or OPEN_FAIL. Runs on the connection's event loop.
 */
final class InboundOpens {

    /** a UDP stream's endpoint socket closes after this long without datagrams either way */
    static final long DATAGRAM_IDLE_MILLIS = 30_000;

    private final TunnelConnection connection;
    private final TunnelContext context;

    InboundOpens(TunnelConnection connection, TunnelContext context) {
        this.connection = connection;
        this.context = context;
    }

    /** An OPEN from the peer: refused by limit or by the acceptor, else the endpoint is dialled. */
    void accept(int id, OpenRequest request) {
        String peer = connection.peer();
        TunnelLimits limits = connection.limits();
        if (connection.streamCount() >= limits.maxStreams()) {
            context.refusals().refuse(peer, "stream-limit", "OPEN refused: " + limits.maxStreams() + " streams open");
            openFailed(id, "stream limit (" + limits.maxStreams() + ") reached");
            return;
        }
        if (!request.relayTo().isEmpty()) {
            relay(id, request);
            return;
        }
        StreamAcceptor.Decision decision;
        try {
            decision = context.acceptor().decide(peer, request);
        } catch (RuntimeException e) {
            decision = StreamAcceptor.Decision.refuse("cannot decide: " + e);
        }
        if (decision.refusal() != null) {
            context.refusals().refuse(peer, "open-refused", "OPEN " + request + " refused: " + decision.refusal());
            openFailed(id, decision.refusal());
            return;
        }
        TunnelStream stream = new TunnelStream(connection, id, request, null, null);
        connection.register(stream);
        if (request.udp()) {
            dialDatagram(stream, decision.address());
        } else {
            dial(stream, decision.address());
        }
    }

    /**
     * An OPEN for another node: on a relay, the second leg is opened over the connection to that node
     * and the two legs are joined once it is open; anywhere else it is refused.
     */
    private void relay(int id, OpenRequest request) {
        String peer = connection.peer();
        String target = request.relayTo();
        if (!context.relay()) {
            context.refusals().refuse(peer, "relay-refused", "OPEN for node " + target + " refused: this node is not a relay");
            openFailed(id, "node " + context.localNode() + " is not a relay");
            return;
        }
        TunnelConnection next = target.equals(peer) ? null : context.route().apply(target);
        if (next == null) {
            openFailed(id, "relay " + context.localNode() + " has no tunnel to node " + target);
            return;
        }
        TunnelStream firstLeg = new TunnelStream(connection, id, request, null, null);
        connection.register(firstLeg);
        next.openRelayed(request.relayed(), firstLeg).addListener(done -> connection.run(() -> {
            @SuppressWarnings("unchecked")
            TunnelStream secondLeg = done.isSuccess() ? ((Future<TunnelStream>) done).getNow() : null;
            if (firstLeg.state() != TunnelStream.State.OPENING || !connection.channel().isActive()) {
                if (secondLeg != null) {
                    secondLeg.connectionRun(secondLeg::partnerAborted);
                }
                return;
            }
            if (secondLeg == null) {
                connection.remove(firstLeg);
                firstLeg.openFailed("second leg failed");
                openFailed(id, "via relay " + context.localNode() + ": " + TunnelConnection.rootMessage(done.cause()));
                return;
            }
            firstLeg.bind(new RelayEnd(secondLeg));
            connection.send(Frame.empty(FrameType.OPEN_OK, id));
            firstLeg.start();
        }));
    }

    /**
     * A UDP stream: a socket connected to the endpoint carries the stream's datagrams there and the
     * endpoint's answers back; it closes (and resets the stream) after the UDP session idle time.
     */
    private void dialDatagram(TunnelStream stream, InetSocketAddress address) {
        Channel[] endpoint = new Channel[1];
        DatagramEnd end = new DatagramEnd(datagram -> {
            Channel target = endpoint[0];
            if (target == null || !target.isActive()) {
                datagram.release();
            } else {
                target.writeAndFlush(datagram);
            }
        }, () -> {
            if (endpoint[0] != null) {
                endpoint[0].close();
            }
        });
        ChannelFuture connecting = new Bootstrap()
                .group(connection.channel().eventLoop())
                .channel(context.datagramChannel())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, DATAGRAM_IDLE_MILLIS, TimeUnit.MILLISECONDS),
                                new DatagramReplies(end));
                    }
                })
                .connect(address);
        connecting.addListener(done -> {
            Channel socket = connecting.channel();
            if (stream.state() != TunnelStream.State.OPENING || !connection.channel().isActive()) {
                socket.close();
                return;
            }
            if (!done.isSuccess()) {
                connection.remove(stream);
                stream.openFailed("connect failed");
                openFailed(stream.id(), "UDP socket to " + address + " failed: " + TunnelConnection.rootMessage(done.cause()));
                return;
            }
            endpoint[0] = socket;
            stream.bind(end);
            socket.closeFuture().addListener(f -> end.end());
            connection.send(Frame.empty(FrameType.OPEN_OK, stream.id()));
            stream.start();
        });
    }

    /** Answers of a UDP endpoint, into the stream; the session ends when idle or refused. */
    private static final class DatagramReplies extends SimpleChannelInboundHandler<DatagramPacket> {

        private final DatagramEnd end;

        DatagramReplies(DatagramEnd end) {
            this.end = end;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            end.send(packet.content().retain());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // port unreachable and the like: the stream is reset, the peer's session ends
        }
    }

    private void dial(TunnelStream stream, InetSocketAddress address) {
        ChannelFuture connecting = new Bootstrap()
                .group(connection.channel().eventLoop())
                .channel(context.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connection.limits().connectMillis())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // the stream's handler is added once the OPEN is answered
                    }
                })
                .connect(address);
        connecting.addListener(done -> {
            Channel endpoint = connecting.channel();
            if (stream.state() != TunnelStream.State.OPENING || !connection.channel().isActive()) {
                endpoint.close();
                return;
            }
            if (!done.isSuccess()) {
                connection.remove(stream);
                stream.openFailed("connect failed");
                openFailed(stream.id(), "connect to " + address.getAddress().getHostAddress() + ":"
                        + address.getPort() + " failed: " + TunnelConnection.rootMessage(done.cause()));
                return;
            }
            stream.bind(new SocketEnd(endpoint));
            connection.send(Frame.empty(FrameType.OPEN_OK, stream.id()));
            stream.start();
        });
    }

    private void openFailed(int id, String reason) {
        ByteBuf payload = connection.alloc().buffer(64);
        Wire.writeString(payload, truncate(reason));
        connection.send(new Frame(FrameType.OPEN_FAIL, id, payload));
    }

    private static String truncate(String reason) {
        String value = reason == null ? "refused" : reason;
        while (ByteBufUtil.utf8Bytes(value) > Wire.MAX_STRING_BYTES) {
            value = value.substring(0, value.length() - 1);
        }
        return value;
    }
}
