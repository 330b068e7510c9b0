package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small MetaStore in memory: versions, uids, list and watch from a version; enough for the pod manager. */
public final class TestMetaStore implements MetaStore {

    private final TreeMap<ObjectKey, StoredObject> objects = new TreeMap<>();
    private final List<WatchEvent> history = new ArrayList<>();
    private final List<TestWatch> watches = new CopyOnWriteArrayList<>();
    private long version;

    @Override
    public synchronized StoredObject put(ObjectNode object, String source) {
        ObjectNode copy = object.deepCopy();
        ObjectNode metadata = (ObjectNode) copy.get("metadata");
        String kind = copy.path("kind").asText();
        String namespace = Kinds.isNamespaced(kind) ? metadata.path("namespace").asText("default") : "";
        if (Kinds.isNamespaced(kind)) {
            metadata.put("namespace", namespace);
        }
        ObjectKey key = ObjectKey.of(kind, namespace, metadata.path("name").asText());
        StoredObject existing = objects.get(key);
        long next = ++version;
        metadata.put("resourceVersion", Long.toString(next));
        // as the node's store does: an object without a uid keeps the stored one; a new one gets none (local
        // manifests carry none), and the creation time of the stored copy is kept
        if (!metadata.hasNonNull("uid") && existing != null && existing.uid() != null && !existing.uid().isEmpty()) {
            metadata.put("uid", existing.uid());
        }
        if (!metadata.hasNonNull("creationTimestamp")) {
            metadata.put("creationTimestamp", existing == null ? "2026-01-01T00:00:00Z"
                    : existing.object().path("metadata").path("creationTimestamp").asText("2026-01-01T00:00:00Z"));
        }
        StoredObject stored = new StoredObject(key, next, source, copy);
        objects.put(key, stored);
        publish(new WatchEvent(existing == null ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED, stored));
        return stored;
    }

    @Override
    public synchronized Optional<StoredObject> get(ObjectKey key) {
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public synchronized ListResult list(Selector selector) {
        return new ListResult(version, objects.values().stream().filter(o -> selector.matches(o.key())).toList());
    }

    @Override
    public synchronized Optional<StoredObject> delete(ObjectKey key) {
        StoredObject existing = objects.remove(key);
        if (existing == null) {
            return Optional.empty();
        }
        StoredObject last = new StoredObject(key, ++version, existing.source(), existing.object());
        publish(new WatchEvent(WatchEvent.Type.DELETED, last));
        return Optional.of(last);
    }

    @Override
    public synchronized long resourceVersion() {
        return version;
    }

    @Override
    public synchronized long oldestWatchableVersion() {
        return 0;
    }

    @Override
    public synchronized Watch watch(Selector selector, long fromVersion, WatchListener listener) {
        TestWatch watch = new TestWatch(selector, listener);
        for (WatchEvent event : history) {
            if (event.resourceVersion() > fromVersion) {
                watch.deliver(event);
            }
        }
        watches.add(watch);
        return watch;
    }

    @Override
    public synchronized Map<String, Long> countByKind() {
        Map<String, Long> counts = new TreeMap<>();
        objects.keySet().forEach(k -> counts.merge(k.kind(), 1L, Long::sum));
        return counts;
    }

    private void publish(WatchEvent event) {
        history.add(event);
        watches.forEach(w -> w.deliver(event));
    }

    private final class TestWatch implements Watch {
        private final Selector selector;
        private final WatchListener listener;
        private volatile boolean open = true;
        private volatile long last;

        TestWatch(Selector selector, WatchListener listener) {
            this.selector = selector;
            this.listener = listener;
        }

        void deliver(WatchEvent event) {
            if (open && selector.matches(event.object().key())) {
                last = event.resourceVersion();
                listener.onEvent(event);
            }
        }

        @Override
        public long lastDeliveredVersion() {
            return last;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            watches.remove(this);
        }
    }
}
