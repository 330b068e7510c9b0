package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One TLS connection to a peer node and the streams multiplexed over it; the last handler of the tunnel
 * channel's pipeline ({@code SslHandler}, {@code FlushConsolidationHandler}, {@link FrameDecoder},
 * {@link FrameEncoder}, this). Stream state lives on the channel's event loop; local sockets hand their
 * events over to it.
 *
 * <p>Opening: TLS 1.3 with client certificates; the dialler checks that the acceptor's certificate names the
 * node it dialled, the acceptor that the dialler's HELLO names the node of its certificate; both send HELLO,
 * and nothing else is accepted before it. The dialler opens odd stream ids, the acceptor even ones, each
 * side's ids increasing. Any protocol violation closes the connection with one log line.
 */
final class TunnelConnection extends ChannelInboundHandlerAdapter {


    enum Role { DIALER, ACCEPTOR }

    private final TunnelContext context;
    private final Role role;
    /** for a dialler, the node it dialled; for an acceptor, null until the certificate is known */
    private final String expectedPeer;
    private final StreamTable streams;
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final Promise<TunnelConnection> ready;
    private final InboundOpens opens;
    private Channel channel;
    private String certifiedPeer;
    private volatile String peer;
    private boolean helloReceived;
    private final ConnectionCredit credit;
    private final Keepalive keepalive;
    private String closeReason;

    TunnelConnection(TunnelContext context, Role role, String expectedPeer, Promise<TunnelConnection> ready) {
        this.context = context;
        this.role = role;
        this.expectedPeer = expectedPeer;
        this.ready = ready;
        this.streams = new StreamTable(role == Role.DIALER);
        this.opens = new InboundOpens(this, context);
        this.credit = new ConnectionCredit(context.limits().connectionWindow());
        this.keepalive = new Keepalive(new KeepaliveActions(), context.limits());
    }

    /** @return connection credit left for DATA */
    long sendCredit() {
        return credit.sendCredit();
    }

    /** DATA of {@code bytes} went out: it uses connection credit. */
    void spend(int bytes) {
        credit.spend(bytes);
    }

    /** Bytes an end took (or that were dropped): connection credit goes back in quarter-window steps. */
    void consumed(int bytes) {
        credit.consumed(bytes);
        if (channel.isActive()) {
            long increment = credit.giveBack();
            if (increment > 0) {
                send(new Frame(FrameType.WINDOW, 0, alloc().buffer(4).writeInt((int) increment)));
            }
        }
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
        return keepalive.rttNanos();
    }

    int streamCount() {
        return streams.size();
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

    /** Adds a stream the peer opened. */
    void register(TunnelStream stream) {
        streams.add(stream);
    }

    void remove(TunnelStream stream) {
        streams.remove(stream);
    }

    /**
     * Opens a stream to the peer for a local socket that is not reading yet (auto-read off). On success
     * the socket's bytes flow through the stream; on failure the socket is left as it is (the caller may
     * try another endpoint).
     */
    Future<TunnelStream> open(OpenRequest request, Channel local, long answerMillis) {
        return open(request, new SocketEnd(local), answerMillis);
    }

    /** Opens the second leg of a relayed stream, ending in the first leg; the far node has the connect limit to answer. */
    Future<TunnelStream> openRelayed(OpenRequest request, TunnelStream firstLeg) {
        return open(request, new RelayEnd(firstLeg), limits().connectMillis());
    }

    /**
     * Opens a stream; it fails if the peer has not answered (OPEN_OK or OPEN_FAIL) within {@code answerMillis},
     * and the stream is then reset towards the peer. Without that limit an OPEN sent to a peer that just lost
     * power would wait for the connection's idle limit.
     */
    Future<TunnelStream> open(OpenRequest request, StreamEnd end, long answerMillis) {
        Promise<TunnelStream> promise = channel.eventLoop().newPromise();
        if (!run(() -> openOnLoop(request, end, promise, answerMillis))) {
            promise.tryFailure(new TunnelStreamException("tunnel connection closed"));
        }
        return promise;
    }

    private void openOnLoop(OpenRequest request, StreamEnd end, Promise<TunnelStream> promise, long answerMillis) {
        if (!isReady()) {
            promise.tryFailure(new TunnelStreamException("tunnel connection to " + expectedPeerOrPeer() + " not ready"));
            return;
        }
        if (streams.size() >= limits().maxStreams()) {
            promise.tryFailure(new TunnelStreamException("stream limit (" + limits().maxStreams() + ") reached"));
            return;
        }
        int id = streams.nextLocalId();
        TunnelStream stream = new TunnelStream(this, id, request, end, promise);
        streams.add(stream);
        send(request.encode(alloc(), id));
        long limit = Math.max(1, answerMillis);
        stream.answerDeadline(channel.eventLoop().schedule(() -> stream.openUnanswered(limit), limit,
                TimeUnit.MILLISECONDS));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
        channel.closeFuture().addListener(f -> closed());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        keepalive.start(ctx.executor());
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
        keepalive.received();
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
                int length = frame.payload().readableBytes();
                try {
                    credit.receive(length);
                    stream = streams.existing(frame);
                } catch (TunnelProtocolException e) {
                    frame.release();
                    throw e;
                }
                if (stream == null) {
                    frame.release();
                    consumed(length);
                } else {
                    stream.fromPeer(frame.payload());
                }
            }
            case FrameType.WINDOW -> withPayload(frame, payload -> {
                long increment = Wire.readUnsignedInt(payload, "WINDOW increment");
                Wire.end(payload, "WINDOW");
                if (id == 0) {
                    credit.granted(increment);
                    for (TunnelStream waiting : streams.all()) {
                        waiting.creditArrived();
                    }
                    return;
                }
                TunnelStream stream = streams.existing(frame);
                if (stream != null && stream.state() == TunnelStream.State.OPEN) {
                    stream.credit(increment);
                }
            });
            case FrameType.OPEN -> withPayload(frame, payload -> {
                OpenRequest request = OpenRequest.decode(payload);
                streams.peerOpens(id);
                opens.accept(id, request);
            });
            case FrameType.OPEN_OK -> withPayload(frame, payload -> {
                Wire.end(payload, "OPEN_OK");
                TunnelStream stream = streams.ownOpening(frame);
                if (stream != null) {
                    stream.start();
                }
            });
            case FrameType.OPEN_FAIL -> withPayload(frame, payload -> {
                String reason = Wire.readString(payload, "OPEN_FAIL reason");
                TunnelStream stream = streams.ownOpening(frame);
                if (stream != null) {
                    streams.remove(stream);
                    stream.openFailed(reason, true);
                }
            });
            case FrameType.FIN -> withPayload(frame, payload -> {
                Wire.end(payload, "FIN");
                TunnelStream stream = streams.existing(frame);
                if (stream != null) {
                    stream.finFromPeer();
                }
            });
            case FrameType.RST -> withPayload(frame, payload -> {
                String reason = Wire.readString(payload, "RST reason");
                TunnelStream stream = streams.existing(frame);
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
                keepalive.pong(stamp);
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

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        for (TunnelStream stream : streams.all()) {
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

    /** What the keepalive does to this connection. */
    private final class KeepaliveActions implements Keepalive.Connection {

        @Override
        public boolean helloReceived() {
            return helloReceived;
        }

        @Override
        public void ping(long stamp) {
            send(new Frame(FrameType.PING, 0, alloc().buffer(8).writeLong(stamp)));
        }

        @Override
        public void silent(long silentMillis) {
            fail("silent", "nothing received for " + silentMillis + " ms");
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
        keepalive.stop();
        ready.tryFailure(new TunnelStreamException("tunnel connection closed: " + closeReason));
        for (TunnelStream stream : streams.all()) {
            stream.connectionLost();
        }
        streams.clear();
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
