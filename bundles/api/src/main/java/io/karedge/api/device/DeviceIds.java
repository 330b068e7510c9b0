package io.karedge.api.device;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Device ids at the edge are {@code <namespace>/<name>}, as in EdgeCore. */
public final class DeviceIds {

    private DeviceIds() {
    }

    public static String of(String namespace, String name) {
        return (namespace == null || namespace.isEmpty() ? "default" : namespace) + "/" + name;
    }

    static String of(ObjectMeta metadata) {
        if (metadata == null || metadata.getName() == null) {
            throw new IllegalStateException("device has no metadata.name");
        }
        return of(metadata.getNamespace(), metadata.getName());
    }
}
