package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a list starts: the version the first page was read at and the last key sent
 * ({@code namespace/name}), as an opaque base64url JSON token.
 */
record ContinueToken(long resourceVersion, String namespace, String name) {

    String encode() {
        ObjectNode json = KaredgeJson.mapper().createObjectNode();
        json.put("v", 1);
        json.put("rv", resourceVersion);
        json.put("ns", namespace);
        json.put("after", name);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ContinueToken decode(String token) throws KubeStatusException {
        try {
            if (token.length() > 2048) {
                throw new IllegalArgumentException("too long");
            }
            JsonNode json = KaredgeJson.mapper().readTree(Base64.getUrlDecoder().decode(token));
            if (json == null || json.path("v").asInt() != 1 || !json.path("rv").canConvertToLong()
                    || !json.path("ns").isTextual() || !json.path("after").isTextual()) {
                throw new IllegalArgumentException("not a continue token of this server");
            }
            return new ContinueToken(json.path("rv").asLong(), json.path("ns").asText(), json.path("after").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw KubeStatusException.badRequest("continue: Invalid value: \"" + Query.abbreviate(token)
                    + "\": continue key is not valid: " + e.getMessage());
        }
    }

    /** @return whether an object at {@code namespace/name} comes after this token's position */
    boolean isBefore(String objectNamespace, String objectName) {
        int byNamespace = objectNamespace.compareTo(namespace);
        return byNamespace > 0 || (byNamespace == 0 && objectName.compareTo(name) > 0);
    }
}
