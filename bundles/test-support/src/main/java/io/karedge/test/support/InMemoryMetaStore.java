package io.karedge.test.support;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A MetaStore in memory that keeps the contract of the real one: a store-wide version counter that
 * moves only when content changes, a source per object, copies in and out, server-set metadata
 * ({@code resourceVersion}, {@code uid}, {@code creationTimestamp}), validation, retained history and
 * watches. Writes can be made to fail.
 */
public final class InMemoryMetaStore implements MetaStore {

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final TreeMap<ObjectKey, StoredObject> objects = new TreeMap<>();
    private final List<WatchEvent> history = new ArrayList<>();
    private final List<FakeWatch> watches = new CopyOnWriteArrayList<>();
    private long version;
    /** put and delete calls, whether or not they changed anything */
    public final AtomicInteger writeCalls = new AtomicInteger();
    public volatile boolean failWrites;

    @Override
    public synchronized StoredObject put(ObjectNode object, String source) {
        writeCalls.incrementAndGet();
        if (failWrites) {
            throw new StoreException("disk full");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank");
        }
        String kind = object.path("kind").asText("");
        if (kind.isBlank()) {
            throw new InvalidObjectException("object has no kind");
        }
        JsonNode metadataNode = object.get("metadata");
        if (!(metadataNode instanceof ObjectNode)) {
            throw new InvalidObjectException(kind + " has no metadata");
        }
        String name = metadataNode.path("name").asText("");
        if (name.isBlank()) {
            throw new InvalidObjectException(kind + " has no name");
        }
        if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw new InvalidObjectException("name '" + name + "' is not a DNS subdomain");
        }
        ObjectNode copy = object.deepCopy();
        ObjectNode metadata = (ObjectNode) copy.get("metadata");
        String namespace = "";
        if (Kinds.isNamespaced(kind)) {
            namespace = metadata.path("namespace").asText("");
            if (namespace.isBlank()) {
                namespace = "default";
            }
            metadata.put("namespace", namespace);
        } else {
            metadata.remove("namespace");
        }
        ObjectKey key = ObjectKey.of(kind, namespace, name);
        StoredObject existing = objects.get(key);
        if (existing != null && existing.source().equals(source)
                && withoutServerFields(existing.object()).equals(withoutServerFields(copy))) {
            return existing;
        }
        long next = ++version;
        metadata.put("resourceVersion", Long.toString(next));
        metadata.put("uid", existing == null ? UUID.randomUUID().toString() : existing.uid());
        metadata.put("creationTimestamp", existing == null ? "2026-01-01T00:00:00Z"
                : existing.object().path("metadata").path("creationTimestamp").asText());
        StoredObject stored = new StoredObject(key, next, source, copy);
        objects.put(key, stored);
        publish(new WatchEvent(existing == null ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED, stored));
        return stored;
    }

    private static ObjectNode withoutServerFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove(List.of("resourceVersion", "uid", "creationTimestamp"));
        }
        return copy;
    }

    @Override
    public synchronized Optional<StoredObject> get(ObjectKey key) {
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public synchronized ListResult list(Selector selector) {
        List<StoredObject> items = new ArrayList<>();
        for (StoredObject stored : objects.values()) {
            if (selector.matches(stored.key())) {
                items.add(stored);
            }
        }
        return new ListResult(version, items);
    }

    @Override
    public synchronized Optional<StoredObject> delete(ObjectKey key) {
        writeCalls.incrementAndGet();
        if (failWrites) {
            throw new StoreException("disk full");
        }
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
        return history.isEmpty() ? version : history.get(0).resourceVersion() - 1;
    }

    @Override
    public synchronized Watch watch(Selector selector, long fromVersion, WatchListener listener)
            throws ResourceVersionTooOldException {
        if (fromVersion >= 0 && fromVersion < oldestWatchableVersion()) {
            throw new ResourceVersionTooOldException(fromVersion, oldestWatchableVersion());
        }
        FakeWatch watch = new FakeWatch(selector, listener);
        if (fromVersion >= 0) {
            for (WatchEvent event : history) {
                if (event.resourceVersion() > fromVersion) {
                    watch.deliver(event);
                }
            }
        } else {
            watch.lastDelivered = version;
        }
        watches.add(watch);
        return watch;
    }

    @Override
    public synchronized Map<String, Long> countByKind() {
        Map<String, Long> counts = new TreeMap<>();
        for (ObjectKey key : objects.keySet()) {
            counts.merge(key.kind(), 1L, Long::sum);
        }
        return counts;
    }

    /** @return the source of an object, or null */
    public synchronized String sourceOf(ObjectKey key) {
        StoredObject stored = objects.get(key);
        return stored == null ? null : stored.source();
    }

    /** Ends every open watch as the real store does when a watcher falls behind. */
    public void breakWatches(Throwable reason) {
        for (FakeWatch watch : watches) {
            watch.fail(reason);
        }
    }

    public synchronized List<WatchEvent> history() {
        return List.copyOf(history);
    }

    private void publish(WatchEvent event) {
        history.add(event);
        for (FakeWatch watch : watches) {
            watch.deliver(event);
        }
    }

    private final class FakeWatch implements Watch {

        private final Selector selector;
        private final WatchListener listener;
        private volatile boolean open = true;
        private volatile long lastDelivered;

        FakeWatch(Selector selector, WatchListener listener) {
            this.selector = selector;
            this.listener = listener;
        }

        void deliver(WatchEvent event) {
            if (open && selector.matches(event.object().key())) {
                lastDelivered = event.resourceVersion();
                listener.onEvent(event);
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

        void fail(Throwable reason) {
            if (open) {
                open = false;
                watches.remove(this);
                listener.onClose(reason);
            }
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                watches.remove(this);
                listener.onClose(null);
            }
        }
    }
}
