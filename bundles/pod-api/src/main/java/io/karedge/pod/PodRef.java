package io.karedge.pod;

import java.util.Objects;

/** Which pod: its uid (the identity across runtimes and restarts), namespace and name. */
public record PodRef(String uid, String namespace, String name) {

    public PodRef {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** @return {@code <namespace>/<name>} */
    public String id() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        return id() + " (" + uid + ")";
    }
}
