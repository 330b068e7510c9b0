package io.karedge.api.meta;

import java.util.Objects;

/**
 * Identifies one stored Kubernetes object: its kind (canonical, e.g. {@code Pod}, {@code Device}),
 * namespace ({@code ""} for cluster-scoped kinds such as {@code Node}) and name.
 */
public record ObjectKey(String kind, String namespace, String name) implements Comparable<ObjectKey> {

    public ObjectKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        namespace = namespace == null ? "" : namespace;
        if (kind.isBlank()) {
            throw new IllegalArgumentException("kind must not be blank");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }

    public static ObjectKey of(String kind, String namespace, String name) {
        return new ObjectKey(kind, namespace, name);
    }

    @Override
    public int compareTo(ObjectKey other) {
        int byKind = kind.compareTo(other.kind);
        if (byKind != 0) {
            return byKind;
        }
        int byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
    }
}
