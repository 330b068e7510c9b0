package io.karedge.api.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One request to the {@link TwinEngine}, in the JSON of the KubeEdge topics. The payload is either the
 * raw bytes as received (the engine parses them and answers malformed input with a 400) or an already
 * built JSON tree.
 *
 * @param operation what to do
 * @param target    {@code <namespace>/<name>} of the device, or the node name for node operations
 * @param payload   the raw payload, or {@code null} when {@code json} is given
 * @param json      the payload as a tree, or {@code null} when {@code payload} is given
 * @param origin    who asks
 * @since 1.1
 */
public record TwinRequest(TwinOperation operation, String target, byte[] payload, JsonNode json,
                          TwinOrigin origin) {

    public TwinRequest {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(origin, "origin");
        if ((payload == null) == (json == null)) {
            throw new IllegalArgumentException("a twin request needs exactly one of payload and json");
        }
    }

    public static TwinRequest ofPayload(TwinOperation operation, String target, byte[] payload, TwinOrigin origin) {
        return new TwinRequest(operation, target, Objects.requireNonNull(payload, "payload"), null, origin);
    }

    public static TwinRequest ofJson(TwinOperation operation, String target, JsonNode json, TwinOrigin origin) {
        return new TwinRequest(operation, target, null, Objects.requireNonNull(json, "json"), origin);
    }
}
