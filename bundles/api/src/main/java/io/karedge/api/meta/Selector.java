package io.karedge.api.meta;

/**
 * Which objects a list or watch covers: a kind (or {@code null} for every kind) and a namespace
 * (or {@code null} for every namespace).
 */
public record Selector(String kind, String namespace) {

    public static final Selector ALL = new Selector(null, null);

    public static Selector kind(String kind) {
        return new Selector(kind, null);
    }

    public static Selector of(String kind, String namespace) {
        return new Selector(kind, namespace);
    }

    public boolean matches(ObjectKey key) {
        return (kind == null || kind.equals(key.kind()))
                && (namespace == null || namespace.equals(key.namespace()));
    }
}
