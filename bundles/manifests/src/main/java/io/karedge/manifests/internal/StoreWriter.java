package io.karedge.manifests.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.InvalidObjectException;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.manifests.ManifestReport.Problem;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts and deletes one object in the MetaStore for a file, and keeps track of which file each
 * object came from. Objects of other sources are neither overwritten nor deleted; an object whose
 * stored content is already the same is not written again. A store failure becomes a problem of
 * the file and marks it for a retry at the next scan.
 */
final class StoreWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestReconciler.class);

    /** Numbers compare by value, so {@code 1} read from YAML equals {@code 1L} read back from a store. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
    };

    private final MetaStore store;
    /** every file known to the reconciler (a live view) */
    private final Collection<FileState> files;

    StoreWriter(MetaStore store, Collection<FileState> files) {
        this.store = store;
        this.files = files;
    }

    void put(FileState file, ManifestDocument document) {
        ObjectKey key = document.key();
        String source = ManifestReconciler.sourceOf(file.name);
        try {
            Optional<StoredObject> current = store.get(key);
            if (current.isPresent()) {
                StoredObject stored = current.get();
                if (!stored.source().startsWith(ManifestReconciler.SOURCE_PREFIX)) {
                    file.applyProblems.add(new Problem(document.line(), document.column(), key
                            + " already exists with source '" + stored.source()
                            + "'; manifests never overwrite objects of other sources"));
                    for (FileState any : files) {
                        any.applied.remove(key);
                    }
                    return;
                }
                if (stored.source().equals(source) && sameContent(document.object(), stored.object())) {
                    take(file, key, stored.object());
                    return;
                }
            }
            store.put(document.object().deepCopy(), source);
            take(file, key, document.object());
            file.puts++;
            LOG.debug("Manifest {}: applied {}", file.name, key);
        } catch (InvalidObjectException e) {
            file.blocked = true;
            file.applyProblems.add(new Problem(document.line(), document.column(), key
                    + " rejected by the MetaStore: " + ManifestParser.oneLine(e.getMessage())));
        } catch (RuntimeException e) {
            file.blocked = true;
            file.retry = true;
            file.applyProblems.add(new Problem(document.line(), document.column(), "cannot store " + key
                    + ", retrying at the next scan: " + ManifestParser.oneLine(e.toString())));
        }
    }

    private void take(FileState owner, ObjectKey key, ObjectNode object) {
        owner.applied.put(key, object);
        for (FileState file : files) {
            if (file != owner) {
                file.applied.remove(key);
            }
        }
    }

    void delete(FileState file, ObjectKey key, Instant missingSince) {
        try {
            Optional<StoredObject> current = store.get(key);
            if (current.isPresent() && current.get().source().equals(ManifestReconciler.sourceOf(file.name))) {
                store.delete(key);
                file.deletes++;
                LOG.info("Manifest {}: deleted {}, no longer defined by the file since {}{}", file.name, key,
                        missingSince, "Device".equals(key.kind())
                                ? "; the device leaves the node and its twin history is deleted with it" : "");
            }
            file.applied.remove(key);
            file.missingSince.remove(key);
        } catch (RuntimeException e) {
            file.retry = true;
            file.applyProblems.add(new Problem(0, 0, "cannot delete " + key + ", retrying at the next scan: "
                    + ManifestParser.oneLine(e.toString())));
        }
    }

    /** Equal apart from metadata the store may add, with numbers compared by value. */
    static boolean sameContent(ObjectNode desired, ObjectNode stored) {
        if (desired.equals(BY_VALUE, stored)) {
            return true;
        }
        ObjectNode copy = stored.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove(ManifestParser.SERVER_METADATA);
        }
        return desired.equals(BY_VALUE, copy);
    }
}
