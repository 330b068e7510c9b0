package io.karedge.store.internal;

import io.karedge.api.meta.StoreException;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opened database and the three services on it, with their shared event threads (watch delivery
 * and uplink callbacks). Opening and closing happen here, in order; {@link StoreComponent} only adapts
 * this to OSGi.
 */
final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final int EVENT_THREADS = 2;
    private static final long EVENT_THREADS_STOP_SECONDS = 5;

    private final Database database;
    private final ThreadPoolExecutor eventThreads;
    private final SqliteMetaStore metaStore;
    private final SqliteTwinStore twinStore;
    private final SqliteUplink uplink;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Store(Database database, ThreadPoolExecutor eventThreads) {
        this.database = database;
        this.eventThreads = eventThreads;
        this.metaStore = new SqliteMetaStore(database, eventThreads);
        this.uplink = new SqliteUplink(database, eventThreads);
        this.twinStore = new SqliteTwinStore(database, uplink);
    }

    /** Opens {@code <dataDirectory>/karedge.db}, creating it and its directories if needed. */
    static Store open(Path dataDirectory, StoreSettings settings) {
        Database database = Database.open(dataDirectory, settings);
        ThreadPoolExecutor eventThreads = newEventThreads();
        Store store;
        try {
            store = new Store(database, eventThreads);
        } catch (RuntimeException e) {
            eventThreads.shutdownNow();
            database.close();
            throw e;
        }
        LOG.info("Store opened at {} (WAL, synchronous={}, group commit up to {} writes): {} objects,"
                        + " resourceVersion {}, {} device twins, {} uplink entries waiting",
                database.file(), settings.synchronous(), settings.maxBatch(), store.metaStore.count(),
                store.metaStore.resourceVersion(), store.twinStore.count(), store.uplink.depth());
        return store;
    }

    SqliteMetaStore metaStore() {
        return metaStore;
    }

    SqliteTwinStore twinStore() {
        return twinStore;
    }

    SqliteUplink uplink() {
        return uplink;
    }

    Database database() {
        return database;
    }

    /**
     * Stops taking writes, finishes the queued ones, closes every watch with "store is stopping", lets
     * the event threads finish, then closes the database. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        database.stopWrites();
        metaStore.closeWatches(new StoreException("store is stopping"));
        eventThreads.shutdown();
        try {
            if (!eventThreads.awaitTermination(EVENT_THREADS_STOP_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Watch listeners or uplink callbacks still running after {} s; interrupting them",
                        EVENT_THREADS_STOP_SECONDS);
                eventThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            eventThreads.shutdownNow();
            Thread.currentThread().interrupt();
        }
        database.close();
        LOG.info("Store closed at {} (resourceVersion {})", database.file(), metaStore.resourceVersion());
    }

    private static ThreadPoolExecutor newEventThreads() {
        AtomicInteger number = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "karedge-store-events-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(EVENT_THREADS, EVENT_THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), factory);
    }
}
