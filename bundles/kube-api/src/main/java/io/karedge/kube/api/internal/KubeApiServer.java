package io.karedge.kube.api.internal;

import com.sun.net.httpserver.HttpServer;
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
 * while requests run: one per open watch (at most {@code watch.max}) plus a few for short requests.
 */
final class KubeApiServer implements AutoCloseable {

    /** Threads for short requests beside the watches. */
    private static final int REQUEST_THREADS = 4;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final KubeApiHandler handler;

    private KubeApiServer(HttpServer server, ThreadPoolExecutor executor, KubeApiHandler handler) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
    }

    /** @throws IOException if the address cannot be bound */
    static KubeApiServer start(MetaStore store, KubeApiSettings settings, Clock clock) throws IOException {
        return start(store, settings, clock, () -> null, () -> Optional.of(NodeMode.STANDALONE));
    }

    /**
     * @param live the live pod status source of the moment, or a supplier of {@code null}
     * @param mode the node's mode of the moment, empty while it is not known
     */
    static KubeApiServer start(MetaStore store, KubeApiSettings settings, Clock clock,
                               Supplier<LivePodStatus> live, Supplier<Optional<NodeMode>> mode) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
        int threads = settings.watchMax() + REQUEST_THREADS;
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
                new ObjectWriter(store, mode));
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
