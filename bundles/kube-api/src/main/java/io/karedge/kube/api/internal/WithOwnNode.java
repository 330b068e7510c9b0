package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The MetaStore as the API reads it: with the node's own {@link OwnNode Node} among the nodes while the
 * store holds no Node of that name, so {@code kubectl get nodes} shows the node it talks to. Writes go
 * to the store unchanged; the node's own Node is not stored and not written.
 */
final class WithOwnNode implements MetaStore {

    /** The resource version the own Node shows: it never changes, so no watch sees an event for it. */
    static final long OWN_NODE_VERSION = 1;
    static final String SOURCE = "node";

    private final MetaStore store;
    private final Supplier<Optional<OwnNode>> own;

    WithOwnNode(MetaStore store, Supplier<Optional<OwnNode>> own) {
        this.store = store;
        this.own = own;
    }

    private Optional<StoredObject> ownNode() {
        Optional<OwnNode> node = own.get();
        if (node.isEmpty()) {
            return Optional.empty();
        }
        ObjectKey key = ObjectKey.of(Kinds.NODE, "", node.get().name());
        if (store.get(key).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new StoredObject(key, OWN_NODE_VERSION, SOURCE, node.get().object()));
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        Optional<StoredObject> stored = store.get(key);
        if (stored.isPresent() || !Kinds.NODE.equals(key.kind())) {
            return stored;
        }
        return ownNode().filter(node -> node.key().equals(key));
    }

    @Override
    public ListResult list(Selector selector) {
        ListResult listed = store.list(selector);
        if (!Kinds.NODE.equals(selector.kind())) {
            return listed;
        }
        Optional<StoredObject> node = ownNode();
        if (node.isEmpty()) {
            return listed;
        }
        List<StoredObject> items = new ArrayList<>(listed.items());
        int at = 0;
        while (at < items.size() && items.get(at).key().name().compareTo(node.get().key().name()) < 0) {
            at++;
        }
        items.add(at, node.get());
        return new ListResult(listed.resourceVersion(), items);
    }

    @Override
    public StoredObject put(ObjectNode object, String source) {
        return store.put(object, source);
    }

    @Override
    public Optional<StoredObject> delete(ObjectKey key) {
        return store.delete(key);
    }

    @Override
    public long resourceVersion() {
        return store.resourceVersion();
    }

    @Override
    public long oldestWatchableVersion() {
        return store.oldestWatchableVersion();
    }

    @Override
    public Watch watch(Selector selector, long fromVersion, WatchListener listener)
            throws ResourceVersionTooOldException {
        return store.watch(selector, fromVersion, listener);
    }

    @Override
    public Map<String, Long> countByKind() {
        return store.countByKind();
    }
}
