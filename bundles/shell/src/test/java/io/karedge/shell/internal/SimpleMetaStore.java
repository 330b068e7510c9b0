package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchListener;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A map-backed MetaStore for the read paths the shell uses; watching is not needed here. */
final class SimpleMetaStore implements MetaStore {

    private final TreeMap<ObjectKey, StoredObject> objects = new TreeMap<>();
    private long version;

    @Override
    public synchronized StoredObject put(ObjectNode object, String source) {
        String kind = object.path("kind").asText();
        String namespace = Kinds.isNamespaced(kind)
                ? object.path("metadata").path("namespace").asText("default") : "";
        ObjectKey key = ObjectKey.of(kind, namespace, object.path("metadata").path("name").asText());
        StoredObject stored = new StoredObject(key, ++version, source, object.deepCopy());
        objects.put(key, stored);
        return stored;
    }

    @Override
    public synchronized Optional<StoredObject> get(ObjectKey key) {
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public synchronized ListResult list(Selector selector) {
        return new ListResult(version, new ArrayList<>(objects.values().stream()
                .filter(o -> selector.matches(o.key())).toList()));
    }

    @Override
    public synchronized Optional<StoredObject> delete(ObjectKey key) {
        StoredObject removed = objects.remove(key);
        if (removed == null) {
            return Optional.empty();
        }
        version++;
        return Optional.of(new StoredObject(key, version, removed.source(), removed.object()));
    }

    @Override
    public synchronized long resourceVersion() {
        return version;
    }

    @Override
    public long oldestWatchableVersion() {
        return 0;
    }

    @Override
    public Watch watch(Selector selector, long fromVersion, WatchListener listener) {
        throw new UnsupportedOperationException("not needed by the shell");
    }

    @Override
    public synchronized Map<String, Long> countByKind() {
        Map<String, Long> counts = new TreeMap<>();
        objects.keySet().forEach(key -> counts.merge(key.kind(), 1L, Long::sum));
        return counts;
    }
}
