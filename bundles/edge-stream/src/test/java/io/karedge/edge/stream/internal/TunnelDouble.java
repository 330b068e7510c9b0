package io.karedge.edge.stream.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CloudCore's tunnel server for tests: TLS that requires a client certificate from the CA, the WebSocket
 * upgrade at {@code /v1/kubeedge/connect}, and tunnel messages in text frames. It records what the edge
 * sends and the session headers, and sends connect, data and remove messages as cloudStream does.
 */
final class TunnelDouble implements AutoCloseable {

    final List<TunnelMessage> received = new CopyOnWriteArrayList<>();
    final Map<String, String> sessionHeaders = new ConcurrentHashMap<>();
    final List<String> clientSubjects = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private volatile Channel edge;
    /** Told of every message from the edge as it arrives, on the double's event loop. */
    volatile java.util.function.Consumer<TunnelMessage> onReceive = message -> { };

    TunnelDouble(TestCertificates pki) throws Exception {
        SslContext ssl = SslContextBuilder.forServer(pki.serverKeys.getPrivate(), pki.server).trustManager(pki.ca)
                .clientAuth(ClientAuth.REQUIRE).build();
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(TunnelClient.PATH).maxFramePayloadLength(TunnelClient.MAX_MESSAGE_BYTES)
                .decoderConfig(io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig.newBuilder()
                        .withUTF8Validator(false).maxFramePayloadLength(TunnelClient.MAX_MESSAGE_BYTES).build())
                .build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(ssl.newHandler(channel.alloc()))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(64 * 1024))
                                .addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                                        if (msg instanceof FullHttpRequest request) {
                                            request.headers().forEach(h -> sessionHeaders.put(h.getKey(), h.getValue()));
                                            X509Certificate peer = (X509Certificate) ctx.pipeline().get(SslHandler.class)
                                                    .engine().getSession().getPeerCertificates()[0];
                                            clientSubjects.add(peer.getSubjectX500Principal().getName());
                                        }
                                        super.channelRead(ctx, msg);
                                    }
                                })
                                .addLast(new WebSocketServerProtocolHandler(config))
                                .addLast(new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object event)
                                            throws Exception {
                                        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                                            edge = ctx.channel();
                                        }
                                        super.userEventTriggered(ctx, event);
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                                        TunnelMessage message = TunnelMessage.decode(ByteBufUtil.getBytes(frame.content()));
                                        received.add(message);
                                        onReceive.accept(message);
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    boolean edgeConnected() {
        Channel current = edge;
        return current != null && current.isActive();
    }

    void send(TunnelMessage message) {
        edge.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(message.encode())));
    }

    /** Sends a kubelet log request as cloudStream forwards the API server's. */
    void requestLogs(long id, String namespace, String pod, String container, String query) {
        String json = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Opaque\":\"\",\"User\":null,\"Host\":"
                + "\"127.0.0.1:10350\",\"Path\":\"/containerLogs/" + namespace + "/" + pod + "/" + container
                + "\",\"RawPath\":\"\",\"OmitHost\":false,\"ForceQuery\":false,\"RawQuery\":\"" + query
                + "\",\"Fragment\":\"\",\"RawFragment\":\"\"},\"header\":{\"Accept\":[\"*/*\"]}}";
        send(TunnelMessage.of(id, MessageType.LOGS_CONNECT, json.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends a kubelet exec request as cloudStream forwards the API server's: its method, the kubelet's path
     * and query, and the client's upgrade headers.
     */
    void requestExec(long id, String namespace, String pod, String container, String query) {
        String json = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Host\":\"127.0.0.1:10350\",\"Path\":"
                + "\"/exec/" + namespace + "/" + pod + "/" + container + "\",\"RawQuery\":\"" + query + "\"},"
                + "\"header\":{\"Connection\":[\"Upgrade\"],\"Upgrade\":[\"SPDY/3.1\"],"
                + "\"X-Stream-Protocol-Version\":[\"v4.channel.k8s.io\"]},\"method\":\"POST\"}";
        send(TunnelMessage.of(id, MessageType.EXEC_CONNECT, json.getBytes(StandardCharsets.UTF_8)));
    }

    String dataOf(long id) {
        StringBuilder text = new StringBuilder();
        for (TunnelMessage message : received) {
            if (message.connectionId() == id && message.type() == MessageType.DATA) {
                text.append(new String(message.data(), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    boolean removed(long id) {
        return received.stream().anyMatch(m -> m.connectionId() == id && m.type() == MessageType.REMOVE_CONNECT);
    }

    /** Drops the edge's connection, as a CloudCore restart does. */
    void dropEdge() {
        edge.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
