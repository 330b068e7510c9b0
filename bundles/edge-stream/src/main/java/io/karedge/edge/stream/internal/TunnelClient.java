package io.karedge.edge.stream.internal;

import io.karedge.pod.PodManagerStatus;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's link to CloudCore's stream tunnel: {@code wss://<server>/v1/kubeedge/connect} with the
 * node's certificate, the headers {@code SessionHostNameOverride} (node name) and
 * {@code SessionInternalIP}, a ping every few seconds, and a new connection a moment after one ends. Each
 * connection gets its own {@link TunnelSession}.
 */
final class TunnelClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelClient.class);
    static final String PATH = "/v1/kubeedge/connect";
    static final int MAX_MESSAGE_BYTES = TunnelMessage.MAX_DATA_BYTES + 32;

    /** What the client needs, checked. */
    record Settings(String host, int port, String nodeName, String internalIp, Duration reconnect, Duration ping,
                    Duration logPoll) {
    }

    private final EventLoopGroup group;
    private final Settings settings;
    private final SslContext ssl;
    private final PodManagerStatus pods;
    private final UsageSource usage;
    private final ExecutorService streams;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;
    private volatile Channel channel;
    private volatile boolean connectedOnce;
    private volatile String lastFailure;

    TunnelClient(EventLoopGroup group, Settings settings, TunnelCredentials credentials, PodManagerStatus pods,
                 ExecutorService streams) throws SSLException {
        this.group = group;
        this.settings = settings;
        this.pods = pods;
        this.usage = new UsageSource(settings.nodeName(), pods, NodeUsageReader.system());
        this.streams = streams;
        // the tunnel's server certificate is checked against the cloud's CA; its names are not (EdgeCore
        // does not check the tunnel server at all, and CloudCore's tunnel certificate rarely names the address);
        // the JDK's engine, named so that OpenSSL installed for the mesh tunnel does not change this connection
        this.ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).keyManager(credentials.key(), credentials.certificate())
                .trustManager(credentials.ca()).protocols("TLSv1.3", "TLSv1.2").build();
    }

    void start() {
        connect();
    }

    /** @return the number of tunnel connections opened so far */
    int connections() {
        return connections.get();
    }

    boolean isConnected() {
        Channel current = channel;
        return current != null && current.isActive();
    }

    private void connect() {
        if (closed) {
            return;
        }
        URI uri = URI.create("wss://" + settings.host() + ":" + settings.port() + PATH);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(new DefaultHttpHeaders()
                        .set("SessionHostNameOverride", settings.nodeName())
                        .set("SessionInternalIP", settings.internalIp()))
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                // tunnel messages are binary data sent in text frames
                .withUTF8Validator(false)
                .generateOriginHeader(false)
                .handshakeTimeoutMillis(10_000)
                .dropPongFrames(true)
                .build();
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), settings.host(), settings.port()))
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(64 * 1024))
                                .addLast(new WebSocketClientProtocolHandler(config))
                                .addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES))
                                .addLast(new Link());
                    }
                })
                .connect(settings.host(), settings.port())
                .addListener(future -> {
                    if (!future.isSuccess()) {
                        failed(future.cause());
                        reconnectLater();
                    }
                });
    }

    private void failed(Throwable cause) {
        String failure = String.valueOf(cause.getMessage());
        if (!failure.equals(lastFailure)) {
            LOG.warn("Stream tunnel to {}:{} not connected: {}; trying again every {} s", settings.host(),
                    settings.port(), failure, settings.reconnect().toSeconds());
            lastFailure = failure;
        }
    }

    private void reconnectLater() {
        if (!closed) {
            try {
                group.schedule(this::connect, settings.reconnect().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                // the event loop is shutting down
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }

    /** One open tunnel connection. */
    private final class Link extends SimpleChannelInboundHandler<WebSocketFrame> {
        private TunnelSession session;
        private ScheduledFuture<?> pings;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                Channel ch = ctx.channel();
                channel = ch;
                connections.incrementAndGet();
                lastFailure = null;
                LOG.info("Stream tunnel to {}:{} connected", settings.host(), settings.port());
                connectedOnce = true;
                session = new TunnelSession(pods, usage, message -> {
                    if (!ch.isActive()) {
                        return false;
                    }
                    ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(message.encode())));
                    return true;
                }, streams, settings.logPoll());
                long every = settings.ping().toMillis();
                pings = ch.eventLoop().scheduleAtFixedRate(() -> ch.writeAndFlush(new PingWebSocketFrame(
                        Unpooled.wrappedBuffer("ping".getBytes(StandardCharsets.US_ASCII)))), every, every,
                        TimeUnit.MILLISECONDS);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (session != null && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)) {
                session.onMessage(ByteBufUtil.getBytes(frame.content()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (pings != null) {
                pings.cancel(false);
            }
            if (session != null) {
                session.close();
                LOG.info("Stream tunnel to {}:{} closed", settings.host(), settings.port());
            }
            channel = null;
            reconnectLater();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause);
            ctx.close();
        }
    }
}
