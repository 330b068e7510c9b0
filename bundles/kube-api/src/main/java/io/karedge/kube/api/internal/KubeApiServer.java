package io.karedge.kube.api.internal;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.karedge.api.access.LocalAccess;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.NodeMode;
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

/**
 * The HTTP server of the edge-local Kubernetes API, on the JDK's HTTP server. Its threads exist only
 * while requests run: one per open watch (at most {@code watch.max}) plus up to {@code request.threads} for
 * other requests. The JDK server reads a request's head on such a thread, so a connection that sends its
 * request slowly holds one, for at most {@value #MAX_REQUEST_SECONDS_PROPERTY} seconds (set here to
 * {@value #DEFAULT_MAX_REQUEST_SECONDS} unless the JVM was started with it): then the JDK server closes it.
 */
final class KubeApiServer implements AutoCloseable {

    static final String MAX_REQUEST_SECONDS_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String DEFAULT_MAX_REQUEST_SECONDS = "10";

    static {
        // read once by the JDK server when its first instance is made; a JVM-wide setting
        if (System.getProperty(MAX_REQUEST_SECONDS_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_SECONDS_PROPERTY, DEFAULT_MAX_REQUEST_SECONDS);
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final KubeApiHandler handler;

    private KubeApiServer(HttpServer server, ThreadPoolExecutor executor, KubeApiHandler handler) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
    }

    /** @throws IOException if the address cannot be bound */
    static KubeApiServer start(MetaStore store, KubeApiSettings settings, Clock clock, LocalAccess access)
            throws IOException {
        return start(store, settings, clock, () -> null, () -> Optional.of(NodeMode.STANDALONE), access, null);
    }

    /**
     * @param live the live pod status source of the moment, or a supplier of {@code null}
     * @param mode the node's mode of the moment, empty while it is not known
     * @param certificate the key and certificate to serve HTTPS with, or {@code null} for plain HTTP
     */
    static KubeApiServer start(MetaStore store, KubeApiSettings settings, Clock clock,
                               Supplier<LivePodStatus> live, Supplier<Optional<NodeMode>> mode, LocalAccess access,
                               ServingCertificate certificate) throws IOException {
        InetSocketAddress bind = new InetSocketAddress(settings.host(), settings.port());
        HttpServer server;
        if (certificate == null) {
            server = HttpServer.create(bind, 64);
        } else {
            HttpsServer https = HttpsServer.create(bind, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(certificate.sslContext()));
            server = https;
        }
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
        String address = settings.host() + ":" + server.getAddress().getPort();
        KubeApiHandler handler = new KubeApiHandler(store, settings, address, clock, live,
                new ObjectWriter(store, mode), new RequestGate(access));
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
        return new KubeApiServer(server, executor, handler);
    }

    int port() {
        return server.getAddress().getPort();
    }

    int openWatches() {
        return handler.openWatches();
    }

    @Override
    public void close() {
        handler.stopWatches();
        server.stop(0);
        executor.shutdownNow();
    }
}
