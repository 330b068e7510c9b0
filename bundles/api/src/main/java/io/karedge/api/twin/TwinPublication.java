package io.karedge.api.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A message the engine wants published on the event bus.
 *
 * @param topic   the full topic in the namespaced (KubeEdge v1.17+) form
 * @param payload the JSON document
 * @since 1.1
 */
public record TwinPublication(String topic, JsonNode payload) {

    public TwinPublication {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }
}
