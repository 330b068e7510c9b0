package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.InvalidObjectException;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory MetaStore that keeps the contract of the real one: one store-wide version counter,
 * unchanged puts change nothing, consistent list snapshots, a bounded history of changes, and watches
 * that replay the retained history after a version and then deliver live changes, in order, with no gap
 * and no duplicate, on a thread of the store's (one per watch).
 */
final class InMemoryMetaStore implements MetaStore {

    private final Object lock = new Object();
    private final TreeMap<ObjectKey, StoredObject> objects = new TreeMap<>();
    private final Deque<WatchEvent> history = new ArrayDeque<>();
    private final int historyLimit;
    private final List<InMemoryWatch> watches = new CopyOnWriteArrayList<>();
    private long version;
    private long oldestWatchable;
    private volatile boolean closed;

    InMemoryMetaStore() {
        this(10_000);
    }

    /** @param historyLimit how many changes are kept for watches that start in the past */
    InMemoryMetaStore(int historyLimit) {
        this.historyLimit = historyLimit;
    }

    @Override
    public StoredObject put(ObjectNode object, String source) {
        ObjectKey key = keyOf(object);
        ObjectNode copy = object.deepCopy();
        if (Kinds.isNamespaced(key.kind())) {
            copy.withObjectProperty("metadata").put("namespace", key.namespace());
        }
        synchronized (lock) {
            checkOpen();
            StoredObject existing = objects.get(key);
            if (existing != null && contentEquals(existing.object(), copy)) {
                return existing;
            }
            StoredObject stored = new StoredObject(key, ++version, source, copy);
            objects.put(key, stored);
            record(new WatchEvent(existing == null ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED, stored));
            return stored;
        }
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        synchronized (lock) {
            checkOpen();
            return Optional.ofNullable(objects.get(key));
        }
    }

    @Override
    public ListResult list(Selector selector) {
        synchronized (lock) {
            checkOpen();
            List<StoredObject> items = new ArrayList<>();
            for (StoredObject object : objects.values()) {
                if (selector.matches(object.key())) {
                    items.add(object);
                }
            }
            return new ListResult(version, items);
        }
    }

    @Override
    public Optional<StoredObject> delete(ObjectKey key) {
        synchronized (lock) {
            checkOpen();
            StoredObject existing = objects.remove(key);
            if (existing == null) {
                return Optional.empty();
            }
            StoredObject last = new StoredObject(key, ++version, existing.source(), existing.object());
            record(new WatchEvent(WatchEvent.Type.DELETED, last));
            return Optional.of(last);
        }
    }

    @Override
    public long resourceVersion() {
        synchronized (lock) {
            return version;
        }
    }

    @Override
    public long oldestWatchableVersion() {
        synchronized (lock) {
            return oldestWatchable;
        }
    }

    @Override
    public Watch watch(Selector selector, long fromVersion, WatchListener listener)
            throws ResourceVersionTooOldException {
        synchronized (lock) {
            checkOpen();
            long from = fromVersion < 0 ? version : fromVersion;
            if (from < oldestWatchable) {
                throw new ResourceVersionTooOldException(fromVersion, oldestWatchable);
            }
            InMemoryWatch watch = new InMemoryWatch(selector, listener, from);
            for (WatchEvent event : history) {
                if (event.resourceVersion() > from) {
                    watch.offer(event);
                }
            }
            watches.add(watch);
            return watch;
        }
    }

    @Override
    public Map<String, Long> countByKind() {
        synchronized (lock) {
            Map<String, Long> counts = new TreeMap<>();
            objects.keySet().forEach(key -> counts.merge(key.kind(), 1L, Long::sum));
            return counts;
        }
    }

    /** Stops the store: every open watch is closed with a reason, later calls fail. */
    void close() {
        synchronized (lock) {
            closed = true;
            watches.forEach(watch -> watch.closeWith(new StoreException("the store stopped")));
        }
    }

    int openWatchCount() {
        return (int) watches.stream().filter(InMemoryWatch::isOpen).count();
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("the store is closed");
        }
    }

    /** Called with the lock held: keeps the change and hands it to every open watch, in order. */
    private void record(WatchEvent event) {
        history.addLast(event);
        while (history.size() > historyLimit) {
            oldestWatchable = history.removeFirst().resourceVersion();
        }
        watches.forEach(watch -> watch.offer(event));
    }

    private static ObjectKey keyOf(ObjectNode object) {
        String kind = object.path("kind").asText("");
        String name = object.path("metadata").path("name").asText("");
        if (kind.isEmpty() || name.isEmpty()) {
            throw new InvalidObjectException("an object needs a kind and metadata.name");
        }
        if (!Kinds.isNamespaced(kind)) {
            return ObjectKey.of(kind, "", name);
        }
        String namespace = object.path("metadata").path("namespace").asText("");
        return ObjectKey.of(kind, namespace.isEmpty() ? "default" : namespace, name);
    }

    private static boolean contentEquals(ObjectNode a, ObjectNode b) {
        return a.equals(b);
    }

    /** One watch: its own single-thread executor delivers events in order and never blocks writers. */
    private final class InMemoryWatch implements Watch {

        private final Selector selector;
        private final WatchListener listener;
        private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "in-memory-watch");
            thread.setDaemon(true);
            return thread;
        });
        private volatile boolean open = true;
        private volatile long lastDelivered;

        InMemoryWatch(Selector selector, WatchListener listener, long from) {
            this.selector = selector;
            this.listener = listener;
            this.lastDelivered = from;
        }

        void offer(WatchEvent event) {
            if (!open || !selector.matches(event.object().key())) {
                return;
            }
            delivery.execute(() -> {
                if (open) {
                    listener.onEvent(event);
                    lastDelivered = event.resourceVersion();
                }
            });
        }

        void closeWith(Throwable reason) {
            if (open) {
                open = false;
                delivery.execute(() -> listener.onClose(reason));
                delivery.shutdown();
            }
        }

        @Override
        public long lastDeliveredVersion() {
            return lastDelivered;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            if (!open) {
                return;
            }
            open = false;
            watches.remove(this);
            delivery.execute(() -> listener.onClose(null));
            delivery.shutdown();
            try {
                if (Thread.currentThread().getName().equals("in-memory-watch")) {
                    return;
                }
                delivery.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
