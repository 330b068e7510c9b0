package io.karedge.cloud.bridge.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * One TLS WebSocket to CloudHub. Text frames are read without UTF-8 validation (KubeEdge carries binary
 * payloads in text frames on some paths); every frame's bytes go to the listener. Silence is failure: a
 * read-idle timeout closes the connection (WebSocket pings sent with every keepalive keep a healthy link
 * from looking idle, since CloudHub itself sends nothing unprompted).
 */
final class CloudConnection {

    /** Receives frames and the end of the connection; called on the Netty I/O thread, must not block. */
    interface Listener {

        void onFrame(byte[] frame);

        void onClosed(String reason);

        /** Writability changed: the drainer may continue. */
        void onWritable();
    }

    private final Channel channel;
    private final AtomicBoolean closing = new AtomicBoolean();

    private CloudConnection(Channel channel) {
        this.channel = channel;
    }

    /**
     * The JDK's TLS engine, named: Netty's default becomes OpenSSL once netty-tcnative (installed for the mesh
     * tunnel) has loaded, and the cloud link keeps the engine it was built and tested with.
     */
    static SslContext sslContext(Credentials credentials) throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .keyManager(credentials.key(), credentials.certificate())
                .trustManager(credentials.ca())
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
    }

    /**
     * Connects, runs TLS and the WebSocket upgrade.
     *
     * @return completes with the open connection, or exceptionally with why it could not be opened
     */
    static CompletableFuture<CloudConnection> open(EventLoopGroup group, BridgeSettings settings, SslContext ssl,
                                                   Listener listener) {
        CompletableFuture<CloudConnection> opened = new CompletableFuture<>();
        HostPort server = settings.server();
        URI uri = URI.create("wss://" + server + "/" + settings.projectId() + "/" + settings.nodeName() + "/events");
        HttpHeaders headers = new DefaultHttpHeaders()
                .set("node_id", settings.nodeName())
                .set("project_id", settings.projectId())
                .set("ConnectionUse", "msg");
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(headers)
                .maxFramePayloadLength(settings.maxFrameBytes())
                .withUTF8Validator(false)
                .generateOriginHeader(false)
                .handshakeTimeoutMillis(settings.handshakeTimeoutMillis())
                .dropPongFrames(true)
                .build();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("tls", ssl.newHandler(channel.alloc(), server.host(), server.port()))
                                // before the WebSocket handler, which drops pongs: any data, pongs included,
                                // shows that CloudHub is there
                                .addLast("idle", new IdleStateHandler(settings.readIdleMillis(), 0, 0,
                                        TimeUnit.MILLISECONDS))
                                .addLast("http", new HttpClientCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(64 * 1024))
                                .addLast("websocket", new WebSocketClientProtocolHandler(config))
                                .addLast("frame-aggregator", new WebSocketFrameAggregator(settings.maxFrameBytes()))
                                .addLast("link", new LinkHandler(opened, listener, settings));
                    }
                });
        ChannelFuture connect = bootstrap.connect(server.host(), server.port());
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                opened.completeExceptionally(future.cause());
            }
        });
        opened.whenComplete((connection, failure) -> {
            if (failure != null) {
                connect.channel().close();
            }
        });
        return opened;
    }

    /** Writes one frame as a text frame and flushes. */
    CompletableFuture<Void> send(byte[] frame) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame))).addListener(future -> {
            if (future.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(future.cause());
            }
        });
        return written;
    }

    void ping() {
        channel.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'k', 'a'})));
    }

    boolean isWritable() {
        return channel.isActive() && channel.isWritable();
    }

    boolean isOpen() {
        return channel.isActive() && !closing.get();
    }

    void close(String reason) {
        if (closing.compareAndSet(false, true)) {
            channel.attr(LinkHandler.CLOSE_REASON).setIfAbsent(reason);
            channel.close();
        }
    }

    /** Completes the open future after the upgrade, then passes frames on. */
    private static final class LinkHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

        static final io.netty.util.AttributeKey<String> CLOSE_REASON =
                io.netty.util.AttributeKey.valueOf("karedge.close.reason");

        private final CompletableFuture<CloudConnection> opened;
        private final Listener listener;
        private final BridgeSettings settings;
        private boolean notified;

        LinkHandler(CompletableFuture<CloudConnection> opened, Listener listener, BridgeSettings settings) {
            this.opened = opened;
            this.listener = listener;
            this.settings = settings;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                if (!opened.complete(new CloudConnection(context.channel()))) {
                    context.close();
                }
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                opened.completeExceptionally(new java.util.concurrent.TimeoutException(
                        "WebSocket upgrade not answered within " + settings.handshakeTimeoutMillis() + " ms"));
            } else if (event instanceof IdleStateEvent) {
                context.channel().attr(CLOSE_REASON).setIfAbsent("nothing received from CloudHub for "
                        + settings.readIdleMillis() / 1000 + " s");
                context.close();
            } else {
                super.userEventTriggered(context, event);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                ByteBuf content = frame.content();
                listener.onFrame(ByteBufUtil.getBytes(content));
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
            if (context.channel().isWritable()) {
                listener.onWritable();
            }
            super.channelWritabilityChanged(context);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.channel().attr(CLOSE_REASON).setIfAbsent(describe(cause));
            opened.completeExceptionally(cause);
            context.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) throws Exception {
            String reason = context.channel().attr(CLOSE_REASON).get();
            opened.completeExceptionally(new java.io.IOException(reason == null ? "connection closed" : reason));
            if (opened.isDone() && !opened.isCompletedExceptionally() && !notified) {
                notified = true;
                listener.onClosed(reason == null ? "CloudHub closed the connection" : reason);
            }
            super.channelInactive(context);
        }

        private static String describe(Throwable cause) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }
}
