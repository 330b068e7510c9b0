package io.karedge.api.meta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A Kubernetes object as the MetaStore holds it.
 *
 * @param key             kind, namespace and name
 * @param resourceVersion the store-wide version at which this state was written
 * @param source          who wrote it: {@code cloud}, {@code manifest:<file>}, {@code local} ...
 * @param object          the object as JSON; each call returns the same tree, which callers must not
 *                        modify (use {@link #copy()} to get a tree of one's own)
 */
public record StoredObject(ObjectKey key, long resourceVersion, String source, ObjectNode object) {

    public StoredObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(object, "object");
    }

    /** @return a deep copy of the object that the caller may change */
    public ObjectNode copy() {
        return object.deepCopy();
    }

    /** @return {@code metadata.uid} of the object, or {@code ""} */
    public String uid() {
        return object.path("metadata").path("uid").asText("");
    }
}
