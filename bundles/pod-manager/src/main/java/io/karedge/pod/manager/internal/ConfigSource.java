package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads ConfigMap and Secret data from the MetaStore as bytes per key. */
final class ConfigSource {

    private final MetaStore store;

    ConfigSource(MetaStore store) {
        this.store = store;
    }

    /** @return the ConfigMap's {@code data} and {@code binaryData}, or empty if it is not stored */
    Optional<Map<String, byte[]>> configMap(String namespace, String name) {
        return store.get(ObjectKey.of(Kinds.CONFIG_MAP, namespace, name)).map(ConfigSource::configMapData);
    }

    /** @return the Secret's {@code data} (decoded) and {@code stringData}, or empty if it is not stored */
    Optional<Map<String, byte[]>> secret(String namespace, String name) {
        return store.get(ObjectKey.of(Kinds.SECRET, namespace, name)).map(ConfigSource::secretData);
    }

    private static Map<String, byte[]> configMapData(StoredObject object) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        fields(object.object().path("data"), (k, v) -> data.put(k, v.asText().getBytes(StandardCharsets.UTF_8)));
        fields(object.object().path("binaryData"), (k, v) -> data.put(k, decode(v.asText())));
        return data;
    }

    private static Map<String, byte[]> secretData(StoredObject object) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        fields(object.object().path("data"), (k, v) -> data.put(k, decode(v.asText())));
        fields(object.object().path("stringData"), (k, v) -> data.put(k, v.asText().getBytes(StandardCharsets.UTF_8)));
        return data;
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return base64.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static void fields(JsonNode node, java.util.function.BiConsumer<String, JsonNode> action) {
        if (node != null && node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> field = it.next();
                action.accept(field.getKey(), field.getValue());
            }
        }
    }
}
