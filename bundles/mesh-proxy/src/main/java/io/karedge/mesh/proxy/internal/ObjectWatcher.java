package io.karedge.mesh.proxy.internal;

import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * List-then-watch of one kind: lists, hands every object to {@code changed}, then watches from the list's
 * version. A watch that closes for a reason is reopened after a pause by listing again; keys that vanished
 * in between go to {@code deleted}. Callbacks must only enqueue (the store may call them on its own
 * thread, or inside a writer's call).
 */
final class ObjectWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectWatcher.class);

    private final MetaStore store;
    private final String kind;
    private final Consumer<StoredObject> changed;
    private final Consumer<ObjectKey> deleted;
    private final ScheduledExecutorService scheduler;
    private final long retryMillis;
    private final Set<ObjectKey> known = ConcurrentHashMap.newKeySet();
    private volatile Watch watch;
    private volatile boolean closed;

    ObjectWatcher(MetaStore store, String kind, Consumer<StoredObject> changed, Consumer<ObjectKey> deleted,
                  ScheduledExecutorService scheduler, long retryMillis) {
        this.store = store;
        this.kind = kind;
        this.changed = changed;
        this.deleted = deleted;
        this.scheduler = scheduler;
        this.retryMillis = retryMillis;
    }

    synchronized void open() {
        if (closed) {
            return;
        }
        try {
            ListResult list = store.list(Selector.kind(kind));
            Set<ObjectKey> listed = new HashSet<>();
            list.items().forEach(object -> listed.add(object.key()));
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
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(this::open, retryMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("Scheduler gone; {} watch not reopened", kind);
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

    @Override
    public void close() {
        closed = true;
        Watch current = watch;
        if (current != null) {
            current.close();
        }
    }
}
