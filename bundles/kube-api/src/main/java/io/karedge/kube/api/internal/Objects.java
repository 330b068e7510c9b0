package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.StoredObject;

/** Stored objects as the Kubernetes API shows them. */
final class Objects {

    private Objects() {
    }

    /**
     * @return a copy of the object with {@code apiVersion} and {@code kind} set and
     *         {@code metadata.resourceVersion} set to the store's version of this state, which is what
     *         clients resume a watch from
     */
    static ObjectNode served(StoredObject stored, ApiResource resource) {
        return typed(stored, resource, stored.copy());
    }

    /**
     * What a read (get, list, watch) shows.
     *
     * @param live the live status of pods this node runs, or {@code null} when no pod manager runs: a pod the
     *             pod manager runs shows the status it reports to the cloud rather than the stored one; without
     *             a pod manager, a pod without a status shows why it does not run ({@link NoPodManagerStatus})
     */
    static ObjectNode served(StoredObject stored, ApiResource resource, LivePodStatus live) {
        ObjectNode object = stored.copy();
        if (resource.kind().equals(io.karedge.api.meta.Kinds.POD)) {
            if (live != null) {
                live.status(stored.key().namespace(), stored.key().name())
                        .ifPresent(status -> object.set("status", status));
            } else {
                NoPodManagerStatus.fillIn(object);
            }
        }
        return typed(stored, resource, object);
    }

    private static ObjectNode typed(StoredObject stored, ApiResource resource, ObjectNode object) {
        if (!object.path("apiVersion").isTextual()) {
            object.put("apiVersion", resource.apiVersion());
        }
        object.put("kind", resource.kind());
        JsonMetadata.of(object).put("resourceVersion", Long.toString(stored.resourceVersion()));
        return object;
    }

    /** Metadata access that tolerates an object without a {@code metadata} object. */
    static final class JsonMetadata {
        private JsonMetadata() {
        }

        static ObjectNode of(ObjectNode object) {
            return object.get("metadata") instanceof ObjectNode metadata ? metadata : object.putObject("metadata");
        }
    }
}
