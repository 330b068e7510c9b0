package io.karedge.store.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;

/** Small Kubernetes objects for tests. */
final class TestObjects {

    private TestObjects() {
    }

    static ObjectNode object(String kind, String namespace, String name) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("apiVersion", "v1");
        object.put("kind", kind);
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return object;
    }

    static ObjectNode configMap(String namespace, String name, String value) {
        ObjectNode object = object("ConfigMap", namespace, name);
        object.putObject("data").put("value", value);
        return object;
    }

    static ObjectNode pod(String namespace, String name, String image) {
        ObjectNode object = object("Pod", namespace, name);
        object.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", image);
        return object;
    }
}
