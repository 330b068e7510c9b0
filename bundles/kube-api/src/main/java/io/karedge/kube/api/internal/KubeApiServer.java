package io.karedge.kube.api.internal;

import io.karedge.api.access.LocalAccess;
import io.karedge.api.access.PodTokens;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.NodeMode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The HTTP server of the edge-local Kubernetes API, on Netty. One event-loop thread accepts connections,
 * runs TLS, reads request heads and bodies and writes answers, so a connection that sends slowly or not at
 * all costs a little memory and no thread; {@link ConnectionLimiter} and {@link ConnectionHandler} bound how
 * many there are and how long each may take. Requests that pass the checks of {@link RequestGate} run on a
 * pool of threads that exist only while requests run: one per open watch (at most {@code watch.max}) plus up
 * to {@code request.threads} for other requests.
 */
final class KubeApiServer implements AutoCloseable {

    /** Longest request line and header block a client may send (a bearer token or a JWT fits easily). */
    private static final int MAX_INITIAL_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel listener;
    private final ThreadPoolExecutor executor;
    private final KubeApiHandler handler;
    private final ConnectionLimiter limiter;

    private KubeApiServer(EventLoopGroup group, Channel listener, ThreadPoolExecutor executor, KubeApiHandler handler,
                          ConnectionLimiter limiter) {
        this.group = group;
        this.listener = listener;
        this.executor = executor;
        this.handler = handler;
        this.limiter = limiter;
    }

    /** @throws IOException if the address cannot be bound */
    static KubeApiServer start(MetaStore store, KubeApiSettings settings, Clock clock, LocalAccess access)
            throws IOException {
        return start(store, settings, clock, () -> null, () -> Optional.of(NodeMode.STANDALONE), access, null);
    }

    static KubeApiServer start(MetaStore store, KubeApiSettings settings, Clock clock,
                               Supplier<LivePodStatus> live, Supplier<Optional<NodeMode>> mode, LocalAccess access,
                               ServingCertificate certificate) throws IOException {
        return start(store, settings, ConnectionLimits.defaults(), clock, live, mode, access, certificate, null,
                () -> null);
    }

    /**
     * @param live the live pod status source of the moment, or a supplier of {@code null}
     * @param mode the node's mode of the moment, empty while it is not known
     * @param certificate the key and certificate to serve HTTPS with, or {@code null} for plain HTTP
     * @param clients the authority whose client certificates are accepted (TLS only), or {@code null}
     * @param podTokens the node's pod token issuer of the moment, or a supplier of {@code null}
     */
    static KubeApiServer start(MetaStore store, KubeApiSettings settings, ConnectionLimits limits, Clock clock,
                               Supplier<LivePodStatus> live, Supplier<Optional<NodeMode>> mode, LocalAccess access,
                               ServingCertificate certificate, LocalCertificateAuthority clients,
                               Supplier<PodTokens> podTokens) throws IOException {
        SSLContext tls = certificate == null ? null : certificate.sslContext(clients);
        boolean askForClientCertificates = clients != null;
        int threads = settings.watchMax() + settings.requestThreads();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "karedge-kube-api-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        executor.allowCoreThreadTimeOut(true);
        ConnectionLimiter limiter = new ConnectionLimiter(limits);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("karedge-kube-api-io", true), NioIoHandler.newFactory());
        // the handler needs the bound address for discovery; it is made once the port is known
        KubeApiHandler[] handler = new KubeApiHandler[1];
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("limits", limiter);
                        if (tls != null) {
                            SSLEngine engine = tls.createSSLEngine();
                            engine.setUseClientMode(false);
                            // asked for, not required: token holders and pods send none
                            engine.setWantClientAuth(askForClientCertificates);
                            SslHandler ssl = new SslHandler(engine);
                            ssl.setHandshakeTimeout(limits.requestReadTimeout().toMillis(), TimeUnit.MILLISECONDS);
                            channel.pipeline().addLast("tls", ssl);
                        }
                        channel.pipeline().addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS,
                                16 * 1024));
                        // curl and others wait for "100 Continue" before sending a larger body
                        channel.pipeline().addLast("continue", new HttpServerExpectContinueHandler());
                        channel.pipeline().addLast("requests", new ConnectionHandler(handler[0], executor, limiter,
                                limits));
                    }
                });
        Channel listener;
        try {
            listener = bootstrap.bind(new InetSocketAddress(settings.host(), settings.port())).syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            executor.shutdownNow();
            throw new IOException(e.getMessage(), e);
        }
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        handler[0] = new KubeApiHandler(store, settings, settings.host() + ":" + port, clock, live,
                new ObjectWriter(store, mode), new RequestGate(access, new PodAccess(podTokens, store)));
        return new KubeApiServer(group, listener, executor, handler[0], limiter);
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    int openWatches() {
        return handler.openWatches();
    }

    int openConnections() {
        return limiter.openConnections();
    }

    @Override
    public void close() {
        handler.stopWatches();
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        executor.shutdownNow();
    }
}
