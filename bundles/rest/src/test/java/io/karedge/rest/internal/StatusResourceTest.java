package io.karedge.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.node.BundleHealth;
import io.karedge.api.node.NodeMode;
import io.karedge.api.node.NodeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusResourceTest {

    @Test
    void statusAsJsonWithHealthFlags() {
        NodeStatus status = new NodeStatus("edge-1", NodeMode.STANDALONE, "/opt/karedge/data", 4096, 17,
                Map.of("Device", 2L, "ConfigMap", 1L),
                List.of(new BundleHealth("io.karedge.api", "0.1.0", "ACTIVE", false, List.of()),
                        new BundleHealth("io.karedge.store", "0.1.0", "ACTIVE", false,
                                List.of("io.karedge.store.MetaStoreComponent: waiting for configuration"))),
                Instant.parse("2025-06-01T09:00:00Z"));

        JsonNode json = new StatusResource(() -> status).status();

        assertThat(json.path("nodeName").asText()).isEqualTo("edge-1");
        assertThat(json.path("healthy").asBoolean(true)).isFalse();
        assertThat(json.path("mode").asText()).isEqualTo("standalone");
        assertThat(json.path("dataDirectory").asText()).isEqualTo("/opt/karedge/data");
        assertThat(json.path("dataBytes").asLong()).isEqualTo(4096);
        assertThat(json.path("resourceVersion").asText()).isEqualTo("17");
        assertThat(json.path("objectCounts").toString()).isEqualTo("{\"ConfigMap\":1,\"Device\":2}");
        assertThat(json.path("startedAt").asText()).isEqualTo("2025-06-01T09:00:00Z");
        JsonNode store = json.path("bundles").get(1);
        assertThat(store.path("symbolicName").asText()).isEqualTo("io.karedge.store");
        assertThat(store.path("healthy").asBoolean(true)).isFalse();
        assertThat(store.path("unsatisfiedComponents").get(0).asText()).contains("waiting for configuration");
        assertThat(json.path("bundles").get(0).path("healthy").asBoolean(false)).isTrue();
    }

    @Test
    void healthyWhenEveryBundleIs() {
        NodeStatus status = new NodeStatus("edge-1", NodeMode.CLOUD, "/data", 0, 0, Map.of(),
                List.of(new BundleHealth("io.karedge.api", "0.1.0", "ACTIVE", false, List.of())), Instant.EPOCH);

        JsonNode json = new StatusResource(() -> status).status();

        assertThat(json.path("healthy").asBoolean(false)).isTrue();
        assertThat(json.path("mode").asText()).isEqualTo("cloud");
    }
}
