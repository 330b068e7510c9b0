package io.karedge.api.meta;

import java.util.Objects;

/**
 * One change in the MetaStore. For {@link Type#DELETED} the object is the last state before the
 * deletion and its resourceVersion is the version of the deletion.
 */
public record WatchEvent(Type type, StoredObject object) {

    public enum Type { ADDED, MODIFIED, DELETED }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(object, "object");
    }

    public long resourceVersion() {
        return object.resourceVersion();
    }
}
