package io.karedge.api.meta;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * List-then-watch of one kind in the MetaStore, like a Kubernetes informer, for the controllers that
 * reconcile from the store (device manager, pod manager, mesh proxy): lists, hands every object to
 * {@code changed}, then watches from the list's version. When the watch closes for a reason (the store
 * stopped, the listener fell behind) it lists again after a pause; objects that disappeared meanwhile are
 * handed to {@code deleted}.
 *
 * <p>Callbacks run on the caller of {@link #start()}, on the store's delivery threads or on the given
 * scheduler, and must only enqueue work.
 *
 * @since 1.1
 */
public final class MetaStoreInformer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetaStoreInformer.class);

    private final MetaStore store;
    private final String kind;
    private final Consumer<StoredObject> changed;
    private final Consumer<ObjectKey> deleted;
    private final ScheduledExecutorService scheduler;
    private final long retryMillis;
    private final Set<ObjectKey> known = ConcurrentHashMap.newKeySet();
    private volatile Watch watch;
    private volatile boolean closed;

    /**
     * @param store       the MetaStore
     * @param kind        the canonical kind to follow ({@code Pod}, {@code Device} ...)
     * @param changed     told of every object listed, added or modified
     * @param deleted     told of every key deleted, or gone when listing again
     * @param scheduler   runs the retries
     * @param retryMillis the pause before listing again after a watch closed for a reason
     */
    public MetaStoreInformer(MetaStore store, String kind, Consumer<StoredObject> changed,
                             Consumer<ObjectKey> deleted, ScheduledExecutorService scheduler, long retryMillis) {
        this.store = store;
        this.kind = kind;
        this.changed = changed;
        this.deleted = deleted;
        this.scheduler = scheduler;
        this.retryMillis = retryMillis;
    }

    /** Lists and starts watching; a failure is logged and retried after the pause. */
    public void start() {
        open();
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        try {
            ListResult list = store.list(Selector.kind(kind));
            Set<ObjectKey> listed = new HashSet<>();
            for (StoredObject object : list.items()) {
                listed.add(object.key());
            }
            for (ObjectKey key : Set.copyOf(known)) {
                if (!listed.contains(key)) {
                    known.remove(key);
                    deleted.accept(key);
                }
            }
            for (StoredObject object : list.items()) {
                known.add(object.key());
                changed.accept(object);
            }
            watch = store.watch(Selector.kind(kind), list.resourceVersion(), new Listener());
        } catch (ResourceVersionTooOldException | RuntimeException e) {
            LOG.warn("Cannot list and watch {} objects ({}); retrying in {} ms", kind, e.toString(), retryMillis);
            retry();
        }
    }

    private void retry() {
        if (!closed) {
            try {
                scheduler.schedule(this::open, retryMillis, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                LOG.debug("Scheduler gone; {} watch not reopened", kind);
            }
        }
    }

    private final class Listener implements WatchListener {
        @Override
        public void onEvent(WatchEvent event) {
            if (closed) {
                return;
            }
            StoredObject object = event.object();
            if (event.type() == WatchEvent.Type.DELETED) {
                known.remove(object.key());
                deleted.accept(object.key());
            } else {
                known.add(object.key());
                changed.accept(object);
            }
        }

        @Override
        public void onClose(Throwable reason) {
            if (reason != null && !closed) {
                LOG.info("Watch of {} objects closed ({}); listing again in {} ms", kind, reason.toString(),
                        retryMillis);
                retry();
            }
        }
    }

    /** Stops watching; no callback runs after the watch has closed. */
    @Override
    public void close() {
        closed = true;
        Watch current = watch;
        if (current != null) {
            current.close();
        }
    }
}
