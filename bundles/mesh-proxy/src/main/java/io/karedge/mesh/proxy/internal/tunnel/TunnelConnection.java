package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One TLS connection to a peer node and the streams multiplexed over it; the last handler of the tunnel
 * channel's pipeline ({@code SslHandler}, {@link FrameDecoder}, {@link FrameEncoder}, this). Stream state
 * lives on the channel's event loop; local sockets hand their events over to it.
 *
 * <p>Opening: TLS 1.3 with client certificates; the dialler checks that the acceptor's certificate names the
 * node it dialled, the acceptor that the dialler's HELLO names the node of its certificate; both send HELLO,
 * and nothing else is accepted before it. The dialler opens odd stream ids, the acceptor even ones, each
 * side's ids increasing. Any protocol violation closes the connection with one log line.
 */
final class TunnelConnection extends ChannelInboundHandlerAdapter {

    /** a UDP stream's endpoint socket closes after this long without datagrams either way */
    static final long DATAGRAM_IDLE_MILLIS = 30_000;

    enum Role { DIALER, ACCEPTOR }

    private final TunnelContext context;
    private final Role role;
    /** for a dialler, the node it dialled; for an acceptor, null until the certificate is known */
    private final String expectedPeer;
    private final Map<Integer, TunnelStream> streams = new HashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final Promise<TunnelConnection> ready;
    private Channel channel;
    private String certifiedPeer;
    private volatile String peer;
    private boolean helloReceived;
    private int nextLocalId;
    private long lastPeerId;
    private long lastReceivedNanos;
    private volatile long rttNanos = -1;
    private volatile int streamCount;
    private ScheduledFuture<?> timer;
    private String closeReason;

    TunnelConnection(TunnelContext context, Role role, String expectedPeer, Promise<TunnelConnection> ready) {
        this.context = context;
        this.role = role;
        this.expectedPeer = expectedPeer;
        this.ready = ready;
        this.nextLocalId = role == Role.DIALER ? 1 : 2;
    }

    TunnelLimits limits() {
        return context.limits();
    }

    Role role() {
        return role;
    }

    /** @return the peer's node name once HELLOs were exchanged, else null */
    String peer() {
        return peer;
    }

    Channel channel() {
        return channel;
    }

    boolean isReady() {
        return peer != null && channel.isActive();
    }

    long bytesIn() {
        return bytesIn.sum();
    }

    long bytesOut() {
        return bytesOut.sum();
    }

    /** @return the last PING round trip in nanoseconds, -1 before the first PONG */
    long rttNanos() {
        return rttNanos;
    }

    int streamCount() {
        return streamCount;
    }

    /** @return why the connection ended, null while open */
    String closeReason() {
        return closeReason;
    }

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    boolean writable() {
        return channel.isWritable();
    }

    void countIn(int bytes) {
        bytesIn.add(bytes);
    }

    void countOut(int bytes) {
        bytesOut.add(bytes);
    }

    /** Runs the task on the connection's event loop (at once when already there). */
    boolean run(Runnable task) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void send(Frame frame) {
        if (channel.isActive()) {
            channel.writeAndFlush(frame, channel.voidPromise());
        } else {
            frame.release();
        }
    }

    void sendReset(int streamId, String reason) {
        ByteBuf payload = alloc().buffer(16);
        Wire.writeString(payload, reason);
        send(new Frame(FrameType.RST, streamId, payload));
    }

    void remove(TunnelStream stream) {
        if (streams.remove(stream.id(), stream)) {
            streamCount = streams.size();
        }
    }

    /**
     * Opens a stream to the peer for a local socket that is not reading yet (auto-read off). On success
     * the socket's bytes flow through the stream; on failure the socket is left as it is (the caller may
     * try another endpoint).
     */
    Future<TunnelStream> open(OpenRequest request, Channel local) {
        return open(request, new SocketEnd(local));
    }

    /** Opens the second leg of a relayed stream, ending in the first leg. */
    Future<TunnelStream> openRelayed(OpenRequest request, TunnelStream firstLeg) {
        return open(request, new RelayEnd(firstLeg));
    }

    Future<TunnelStream> open(OpenRequest request, StreamEnd end) {
        Promise<TunnelStream> promise = channel.eventLoop().newPromise();
        if (!run(() -> openOnLoop(request, end, promise))) {
            promise.tryFailure(new TunnelStreamException("tunnel connection closed"));
        }
        return promise;
    }

    private void openOnLoop(OpenRequest request, StreamEnd end, Promise<TunnelStream> promise) {
        if (!isReady()) {
            promise.tryFailure(new TunnelStreamException("tunnel connection to " + expectedPeerOrPeer() + " not ready"));
            return;
        }
        if (streams.size() >= limits().maxStreams()) {
            promise.tryFailure(new TunnelStreamException("stream limit (" + limits().maxStreams() + ") reached"));
            return;
        }
        int id = nextLocalId;
        nextLocalId += 2;
        TunnelStream stream = new TunnelStream(this, id, request, end, promise);
        streams.put(id, stream);
        streamCount = streams.size();
        send(request.encode(alloc(), id));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
        channel.closeFuture().addListener(f -> closed());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lastReceivedNanos = System.nanoTime();
        timer = ctx.executor().scheduleAtFixedRate(this::tick, limits().pingMillis(), limits().pingMillis(),
                TimeUnit.MILLISECONDS);
        ctx.executor().schedule(() -> {
            if (peer == null && channel.isActive()) {
                fail("handshake", "no TLS handshake and HELLO within " + limits().handshakeMillis() + " ms");
            }
        }, limits().handshakeMillis(), TimeUnit.MILLISECONDS);
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        ssl.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
                handshaken(ssl);
            } else {
                fail("tls", "TLS handshake failed: " + rootMessage(done.cause()));
            }
        });
        ctx.fireChannelActive();
    }

    private void handshaken(SslHandler ssl) {
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            certifiedPeer = NodeIdentity.of((X509Certificate) chain[0]);
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            fail("tls", "no usable peer certificate: " + e.getMessage());
            return;
        }
        if (certifiedPeer.isEmpty()) {
            fail("identity", "the peer certificate names no node");
            return;
        }
        if (role == Role.DIALER) {
            if (!certifiedPeer.equals(expectedPeer)) {
                fail("identity", "certificate of node " + certifiedPeer + " where node " + expectedPeer + " was dialled");
                return;
            }
            send(new Hello(Hello.VERSION, context.localNode()).encode(alloc()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        lastReceivedNanos = System.nanoTime();
        try {
            handle(frame);
        } catch (TunnelProtocolException e) {
            fail("protocol", "protocol error: " + e.getMessage());
        }
    }

    private void handle(Frame frame) {
        byte type = frame.type();
        if (!helloReceived) {
            try {
                if (type != FrameType.HELLO) {
                    throw new TunnelProtocolException(FrameType.name(type) + " before HELLO");
                }
                hello(Hello.decode(frame.payload()));
            } finally {
                frame.release();
            }
            return;
        }
        int id = frame.streamId();
        switch (type) {
            case FrameType.DATA -> {
                TunnelStream stream;
                try {
                    stream = existing(frame);
                } catch (TunnelProtocolException e) {
                    frame.release();
                    throw e;
                }
                if (stream == null) {
                    frame.release();
                } else {
                    stream.fromPeer(frame.payload());
                }
            }
            case FrameType.WINDOW -> withPayload(frame, payload -> {
                long increment = Wire.readUnsignedInt(payload, "WINDOW increment");
                Wire.end(payload, "WINDOW");
                TunnelStream stream = existing(frame);
                if (stream != null && stream.state() == TunnelStream.State.OPEN) {
                    stream.credit(increment);
                }
            });
            case FrameType.OPEN -> withPayload(frame, payload -> accept(id, OpenRequest.decode(payload)));
            case FrameType.OPEN_OK -> withPayload(frame, payload -> {
                Wire.end(payload, "OPEN_OK");
                TunnelStream stream = ownOpening(frame);
                if (stream != null) {
                    stream.start();
                }
            });
            case FrameType.OPEN_FAIL -> withPayload(frame, payload -> {
                String reason = Wire.readString(payload, "OPEN_FAIL reason");
                TunnelStream stream = ownOpening(frame);
                if (stream != null) {
                    streams.remove(id);
                    streamCount = streams.size();
                    stream.openFailed(reason, true);
                }
            });
            case FrameType.FIN -> withPayload(frame, payload -> {
                Wire.end(payload, "FIN");
                TunnelStream stream = existing(frame);
                if (stream != null) {
                    stream.finFromPeer();
                }
            });
            case FrameType.RST -> withPayload(frame, payload -> {
                String reason = Wire.readString(payload, "RST reason");
                TunnelStream stream = existing(frame);
                if (stream != null) {
                    stream.resetByPeer(reason);
                }
            });
            case FrameType.PING -> withPayload(frame, payload -> {
                long stamp = Wire.readLong(payload, "PING");
                Wire.end(payload, "PING");
                send(new Frame(FrameType.PONG, 0, alloc().buffer(8).writeLong(stamp)));
            });
            case FrameType.PONG -> withPayload(frame, payload -> {
                long stamp = Wire.readLong(payload, "PONG");
                Wire.end(payload, "PONG");
                long rtt = System.nanoTime() - stamp;
                if (rtt >= 0) {
                    rttNanos = rtt;
                }
            });
            case FrameType.HELLO -> {
                frame.release();
                throw new TunnelProtocolException("second HELLO");
            }
            default -> {
                frame.release();
                throw new TunnelProtocolException("unexpected " + FrameType.name(type));
            }
        }
    }

    private interface PayloadHandler {
        void handle(ByteBuf payload);
    }

    private static void withPayload(Frame frame, PayloadHandler handler) {
        try {
            handler.handle(frame.payload());
        } finally {
            frame.release();
        }
    }

    private void hello(Hello hello) {
        if (hello.version() != Hello.VERSION) {
            throw new TunnelProtocolException("HELLO version " + hello.version() + " (this node speaks " + Hello.VERSION + ")");
        }
        if (certifiedPeer == null) {
            throw new TunnelProtocolException("HELLO before the TLS handshake ended");
        }
        if (!hello.node().equals(certifiedPeer)) {
            fail("identity", "HELLO claims node " + hello.node() + " with a certificate of node " + certifiedPeer);
            return;
        }
        helloReceived = true;
        if (role == Role.ACCEPTOR) {
            send(new Hello(Hello.VERSION, context.localNode()).encode(alloc()));
        }
        peer = hello.node();
        ready.trySuccess(this);
        context.events().ready(this);
    }

    /** @return the stream of a DATA/WINDOW/FIN/RST frame, or null for one that already ended */
    private TunnelStream existing(Frame frame) {
        int id = frame.streamId();
        TunnelStream stream = streams.get(id);
        if (stream == null && !usedBefore(id)) {
            throw new TunnelProtocolException(FrameType.name(frame.type()) + " on unknown stream " + Integer.toUnsignedString(id));
        }
        if (stream != null && stream.state() == TunnelStream.State.OPENING && frame.type() != FrameType.RST) {
            throw new TunnelProtocolException(FrameType.name(frame.type()) + " on stream " + id + " before it opened");
        }
        return stream;
    }

    private TunnelStream ownOpening(Frame frame) {
        int id = frame.streamId();
        if (!ownId(id) || !usedBefore(id)) {
            throw new TunnelProtocolException(FrameType.name(frame.type()) + " for a stream this node did not open");
        }
        TunnelStream stream = streams.get(id);
        return stream != null && stream.state() == TunnelStream.State.OPENING ? stream : null;
    }

    private boolean ownId(int id) {
        return ((id & 1) == 1) == (role == Role.DIALER);
    }

    private boolean usedBefore(int id) {
        long unsigned = Integer.toUnsignedLong(id);
        return ownId(id) ? unsigned < Integer.toUnsignedLong(nextLocalId) : unsigned <= lastPeerId;
    }

    /** An OPEN from the peer: refused by limit or by the acceptor, else the endpoint is dialled. */
    private void accept(int id, OpenRequest request) {
        long unsigned = Integer.toUnsignedLong(id);
        if (ownId(id) || unsigned <= lastPeerId) {
            throw new TunnelProtocolException("OPEN with stream id " + unsigned + " out of order");
        }
        lastPeerId = unsigned;
        if (streams.size() >= limits().maxStreams()) {
            context.refusals().refuse(peer, "stream-limit", "OPEN refused: " + limits().maxStreams() + " streams open");
            openFailed(id, "stream limit (" + limits().maxStreams() + ") reached");
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
        TunnelStream stream = new TunnelStream(this, id, request, null, null);
        streams.put(id, stream);
        streamCount = streams.size();
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
        TunnelStream firstLeg = new TunnelStream(this, id, request, null, null);
        streams.put(id, firstLeg);
        streamCount = streams.size();
        next.openRelayed(request.relayed(), firstLeg).addListener(done -> run(() -> {
            @SuppressWarnings("unchecked")
            TunnelStream secondLeg = done.isSuccess() ? ((Future<TunnelStream>) done).getNow() : null;
            if (firstLeg.state() != TunnelStream.State.OPENING || !channel.isActive()) {
                if (secondLeg != null) {
                    secondLeg.connectionRun(secondLeg::partnerAborted);
                }
                return;
            }
            if (secondLeg == null) {
                remove(firstLeg);
                firstLeg.openFailed("second leg failed");
                openFailed(id, "via relay " + context.localNode() + ": " + TunnelConnection.rootMessage(done.cause()));
                return;
            }
            firstLeg.bind(new RelayEnd(secondLeg));
            send(Frame.empty(FrameType.OPEN_OK, id));
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
                .group(channel.eventLoop())
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
            if (stream.state() != TunnelStream.State.OPENING || !channel.isActive()) {
                socket.close();
                return;
            }
            if (!done.isSuccess()) {
                remove(stream);
                stream.openFailed("connect failed");
                openFailed(stream.id(), "UDP socket to " + address + " failed: " + rootMessage(done.cause()));
                return;
            }
            endpoint[0] = socket;
            stream.bind(end);
            socket.closeFuture().addListener(f -> end.end());
            send(Frame.empty(FrameType.OPEN_OK, stream.id()));
            stream.start();
        });
    }

    /** Answers of a UDP endpoint, into the stream; the session ends when idle or refused. */
    private static final class DatagramReplies extends io.netty.channel.SimpleChannelInboundHandler<DatagramPacket> {

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
                .group(channel.eventLoop())
                .channel(context.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits().connectMillis())
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
            if (stream.state() != TunnelStream.State.OPENING || !channel.isActive()) {
                endpoint.close();
                return;
            }
            if (!done.isSuccess()) {
                remove(stream);
                stream.openFailed("connect failed");
                openFailed(stream.id(), "connect to " + address.getAddress().getHostAddress() + ":"
                        + address.getPort() + " failed: " + rootMessage(done.cause()));
                return;
            }
            stream.bind(new SocketEnd(endpoint));
            send(Frame.empty(FrameType.OPEN_OK, stream.id()));
            stream.start();
        });
    }

    private void openFailed(int id, String reason) {
        ByteBuf payload = alloc().buffer(64);
        Wire.writeString(payload, truncate(reason));
        send(new Frame(FrameType.OPEN_FAIL, id, payload));
    }

    private static String truncate(String reason) {
        String value = reason == null ? "refused" : reason;
        while (ByteBufUtil.utf8Bytes(value) > Wire.MAX_STRING_BYTES) {
            value = value.substring(0, value.length() - 1);
        }
        return value;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        for (TunnelStream stream : new ArrayList<>(streams.values())) {
            stream.updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof TunnelProtocolException) {
            fail("protocol", "protocol error: " + root.getMessage());
        } else if (root instanceof javax.net.ssl.SSLException) {
            fail("tls", "TLS failed: " + rootMessage(root));
        } else {
            closeWith("connection failed: " + root);
            ctx.close();
        }
    }

    private void tick() {
        long silent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReceivedNanos);
        if (silent > limits().idleMillis()) {
            fail("silent", "nothing received for " + silent + " ms");
            return;
        }
        if (helloReceived) {
            send(new Frame(FrameType.PING, 0, alloc().buffer(8).writeLong(System.nanoTime())));
        }
    }

    /** Closes the connection for a reason the peer caused, logged once per peer and kind. */
    private void fail(String kind, String message) {
        if (!channel.isOpen() || closeReason != null) {
            return;
        }
        closeWith(message);
        context.refusals().refuse(describePeer(), kind, message + "; connection closed");
        channel.close();
    }

    private void closeWith(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    private void closed() {
        closeWith("closed");
        if (timer != null) {
            timer.cancel(false);
        }
        ready.tryFailure(new TunnelStreamException("tunnel connection closed: " + closeReason));
        for (TunnelStream stream : new ArrayList<>(streams.values())) {
            stream.connectionLost();
        }
        streams.clear();
        streamCount = 0;
        if (peer != null) {
            context.events().closed(this);
        }
    }

    private String describePeer() {
        String name = peer != null ? peer : certifiedPeer != null ? certifiedPeer : expectedPeer;
        Object remote = channel.remoteAddress();
        String address = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(remote);
        return name == null ? address : name + " (" + address + ")";
    }

    private String expectedPeerOrPeer() {
        return peer != null ? peer : String.valueOf(expectedPeer);
    }

    static String rootMessage(Throwable error) {
        if (error == null) {
            return "cancelled";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
