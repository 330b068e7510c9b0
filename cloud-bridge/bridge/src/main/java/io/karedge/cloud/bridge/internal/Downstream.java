package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.InvalidObjectException;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.StoredObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies cloud pushes (group {@code resource}) to the MetaStore with source {@code cloud}: insert and
 * update store the object unless the MetaStore already holds the same or a newer resourceVersion (an
 * unknown update is a create), delete removes it and is idempotent. Repeated message ids are not applied
 * again. The caller acknowledges afterwards, except for {@link Outcome#RETRY}. A list answer replaces the
 * cloud's objects of its kind ({@link #replaceListed}); the delete pushes seen since the last connect are kept
 * (as tombstones) so that a list taken before a delete cannot bring the object back, and a push of an object
 * the last list neither names nor predates is a late one and ignored. Every method is
 * synchronized: pushes come on the inbound thread, list answers may complete on another.
 */
final class Downstream {

    static final String SOURCE = "cloud";
    private static final int MAX_TOMBSTONES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(Downstream.class);

    /** Resource type (the middle part of {@code <ns>/<type>/<name>}) to kind. */
    static final Map<String, String> KINDS = Map.of(
            "pod", Kinds.POD,
            "configmap", Kinds.CONFIG_MAP,
            "secret", Kinds.SECRET,
            "service", Kinds.SERVICE,
            "endpoints", Kinds.ENDPOINTS,
            "node", Kinds.NODE,
            "device", Kinds.DEVICE,
            "devicemodel", Kinds.DEVICE_MODEL);

    /** What happened to one push. */
    enum Outcome {
        APPLIED, DUPLICATE, STALE, IGNORED, REJECTED,
        /** The store could not write: no ACK, so CloudHub sends it again. */
        RETRY
    }

    private final MetaStore store;
    private final String nodeName;
    private final LinkStatusHolder status;
    private final RecentIds recent;
    private final Consumer<ObjectNode> cloudNodeListener;
    /** Deletes applied since the last connect: key to the resourceVersion of the delete. */
    private final Map<ObjectKey, String> tombstones = new HashMap<>();
    /** The last list of each kind: its resourceVersion and the keys it named. */
    private final Map<String, Listed> lastLists = new HashMap<>();

    private record Listed(String version, Set<ObjectKey> keys) {
    }

    Downstream(MetaStore store, String nodeName, LinkStatusHolder status, RecentIds recent,
               Consumer<ObjectNode> cloudNodeListener) {
        this.store = store;
        this.nodeName = nodeName;
        this.status = status;
        this.recent = recent;
        this.cloudNodeListener = cloudNodeListener;
    }

    synchronized Outcome apply(Message message) {
        if (recent.contains(message.id())) {
            status.duplicatesIn.incrementAndGet();
            LOG.debug("Already applied {}", message);
            return Outcome.DUPLICATE;
        }
        Outcome outcome;
        try {
            outcome = applyOnce(message);
        } catch (StoreException e) {
            LOG.warn("Cannot store {} now, CloudHub will send it again: {}", message, e.getMessage());
            return Outcome.RETRY;
        }
        recent.add(message.id());
        if (CloudWatchFeed.EVENT_SOURCE.equals(message.source()) && outcome != Outcome.IGNORED) {
            countWatchEvent(message);
        }
        return outcome;
    }

    private Outcome applyOnce(Message message) {
        String[] path = message.resource().split("/", -1);
        if (path.length != 3 || path[1].isEmpty() || path[2].isEmpty()) {
            LOG.debug("Not an object resource, ignored: {}", message);
            return Outcome.IGNORED;
        }
        String kind = KINDS.get(path[1]);
        if (kind == null) {
            LOG.debug("Resource type {} is not kept, ignored: {}", path[1], message);
            return Outcome.IGNORED;
        }
        String namespace = "null".equals(path[0]) || !Kinds.isNamespaced(kind) ? "" : path[0];
        ObjectKey key = ObjectKey.of(kind, namespace, path[2]);
        switch (message.operation()) {
            case Routes.INSERT, Routes.UPDATE -> {
                Optional<ObjectNode> object = ContentDecoder.object(message.content());
                if (object.isEmpty()) {
                    LOG.warn("{} carries no object, ignored", message);
                    return Outcome.REJECTED;
                }
                if (deletedBeforeLastList(key, message.resourceVersion().isEmpty() ? object.get().path("metadata")
                        .path("resourceVersion").asText("") : message.resourceVersion())) {
                    status.staleIn.incrementAndGet();
                    LOG.debug("{}: the last list is newer and does not name it, ignored", message);
                    return Outcome.STALE;
                }
                return put(key, object.get(), message.resourceVersion(), message);
            }
            case Routes.DELETE -> {
                String version = message.resourceVersion().isEmpty()
                        ? ContentDecoder.object(message.content()).map(object -> object.path("metadata")
                                .path("resourceVersion").asText("")).orElse("") : message.resourceVersion();
                if (!version.isEmpty()) {
                    if (tombstones.size() >= MAX_TOMBSTONES) {
                        tombstones.clear();
                    }
                    tombstones.put(key, version);
                }
                return delete(key, message.content());
            }
            default -> {
                LOG.debug("Operation {} not applied: {}", message.operation(), message);
                return Outcome.IGNORED;
            }
        }
    }

    /** Stores a cloud object unless a same-or-newer version is held; used by pushes and query answers. */
    synchronized Outcome put(ObjectKey key, ObjectNode incoming, String headerVersion, Object context) {
        ObjectNode object = incoming.deepCopy();
        if (!object.hasNonNull("kind")) {
            object.put("kind", key.kind());
        }
        if (!object.hasNonNull("apiVersion")) {
            Kinds.info(key.kind()).ifPresent(info -> object.put("apiVersion", info.apiVersion()));
        }
        JsonNode metadataNode = object.get("metadata");
        ObjectNode metadata = metadataNode instanceof ObjectNode node ? node : object.putObject("metadata");
        if (!metadata.hasNonNull("name")) {
            metadata.put("name", key.name());
        }
        if (!key.namespace().isEmpty() && !metadata.hasNonNull("namespace")) {
            metadata.put("namespace", key.namespace());
        }
        if (!metadata.path("name").asText().equals(key.name())
                || (!key.namespace().isEmpty() && !metadata.path("namespace").asText().equals(key.namespace()))) {
            LOG.warn("{}: the object names {}/{}, the resource {}; ignored", context,
                    metadata.path("namespace").asText(""), metadata.path("name").asText(), key);
            return Outcome.REJECTED;
        }
        String version = headerVersion.isEmpty() ? metadata.path("resourceVersion").asText("") : headerVersion;
        if (!version.isEmpty() && !metadata.hasNonNull("resourceVersion")) {
            metadata.put("resourceVersion", version);
        }
        Optional<StoredObject> held = store.get(key);
        if (held.isPresent() && !version.isEmpty() && notNewer(version, held.get())) {
            status.staleIn.incrementAndGet();
            LOG.debug("{}: version {} is not newer than the stored one, ignored", context, version);
            return Outcome.STALE;
        }
        try {
            store.put(object, SOURCE);
        } catch (InvalidObjectException e) {
            LOG.warn("{}: not a valid object, ignored: {}", context, e.getMessage());
            return Outcome.REJECTED;
        }
        if (Kinds.NODE.equals(key.kind()) && key.name().equals(nodeName)) {
            cloudNodeListener.accept(object);
        }
        return Outcome.APPLIED;
    }

    private Outcome delete(ObjectKey key, JsonNode content) {
        Optional<StoredObject> held = store.get(key);
        if (held.isEmpty()) {
            return Outcome.APPLIED;
        }
        String uid = ContentDecoder.object(content).map(object -> object.path("metadata").path("uid").asText(""))
                .orElse("");
        if (!uid.isEmpty() && !held.get().uid().isEmpty() && !uid.equals(held.get().uid())) {
            LOG.info("Delete of {} names uid {}, the stored object is {}; kept", key, uid, held.get().uid());
            return Outcome.STALE;
        }
        store.delete(key);
        return Outcome.APPLIED;
    }

    private void countWatchEvent(Message message) {
        String[] path = message.resource().split("/", -1);
        String kind = path.length == 3 ? KINDS.get(path[1]) : null;
        if (kind != null) {
            status.watch.event(kind);
        }
    }

    /** A new session: the cloud's list answers from now on are newer than every delete seen before. */
    synchronized void connected() {
        tombstones.clear();
    }

    /** What a list answer changed. */
    record Replaced(int stored, int deleted, int rejected) {
    }

    /**
     * Makes the stored objects of one kind the cloud's listed set: stores each listed object (unless held in the
     * same or a newer version, or deleted by a push at a version the list predates), and deletes the objects of
     * that kind the cloud sent earlier (source {@code cloud}) that the list does not name, unless the stored copy
     * is newer than the list (a push that overtook the answer). Objects from another source, and this node's
     * own Node, are never deleted.
     *
     * @param listVersion the list's {@code metadata.resourceVersion} (empty if it had none)
     */
    synchronized Replaced replaceListed(String kind, List<ObjectNode> items, String listVersion, Object context) {
        Set<ObjectKey> listed = new HashSet<>();
        int stored = 0;
        int rejected = 0;
        for (ObjectNode item : items) {
            JsonNode metadata = item.path("metadata");
            String name = metadata.path("name").asText("");
            if (name.isEmpty()) {
                rejected++;
                continue;
            }
            ObjectKey key = ObjectKey.of(kind, Kinds.isNamespaced(kind) ? metadata.path("namespace").asText("") : "",
                    name);
            listed.add(key);
            String version = metadata.path("resourceVersion").asText("");
            String deletedAt = tombstones.get(key);
            if (deletedAt != null && !version.isEmpty() && !isNewer(version, deletedAt)) {
                continue;
            }
            switch (put(key, item, "", context)) {
                case APPLIED -> stored++;
                case REJECTED -> rejected++;
                default -> {
                    // same or newer already held
                }
            }
        }
        lastLists.put(kind, new Listed(listVersion, Set.copyOf(listed)));
        int deleted = 0;
        for (StoredObject held : store.list(Selector.kind(kind)).items()) {
            ObjectKey key = held.key();
            if (listed.contains(key) || !SOURCE.equals(held.source())
                    || (Kinds.NODE.equals(kind) && key.name().equals(nodeName))) {
                continue;
            }
            String version = held.object().path("metadata").path("resourceVersion").asText("");
            if (!listVersion.isEmpty() && !version.isEmpty() && isNewer(version, listVersion)) {
                continue;
            }
            store.delete(key);
            deleted++;
        }
        return new Replaced(stored, deleted, rejected);
    }

    /**
     * An object the last list of its kind does not name, in a version that list is newer than, was deleted
     * before the list (a late push, for example one CloudHub sent again after a reconnect).
     */
    private boolean deletedBeforeLastList(ObjectKey key, String version) {
        Listed listed = lastLists.get(key.kind());
        return listed != null && !version.isEmpty() && !listed.version().isEmpty() && !listed.keys().contains(key)
                && !isNewer(version, listed.version());
    }

    private static boolean isNewer(String version, String than) {
        try {
            return Long.compareUnsigned(Long.parseUnsignedLong(version), Long.parseUnsignedLong(than)) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Kubernetes resourceVersions are opaque, but KubeEdge compares them as unsigned integers; so do we. */
    private static boolean notNewer(String incoming, StoredObject held) {
        if (!SOURCE.equals(held.source())) {
            return false;
        }
        String current = held.object().path("metadata").path("resourceVersion").asText("");
        if (current.isEmpty()) {
            return false;
        }
        try {
            return Long.parseUnsignedLong(incoming) <= Long.parseUnsignedLong(current);
        } catch (NumberFormatException e) {
            return incoming.equals(current);
        }
    }
}
