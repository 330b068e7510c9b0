package io.karedge.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.dmi.MapperRegistry;
import io.karedge.dmi.MapperState;
import io.karedge.dmi.MapperStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MappersResourceTest {

    private static final MapperStatus RANDOM = new MapperStatus("random-mapper", "random", "/run/random.sock",
            "v1.22.2", "v1.0.0", MapperState.REACHABLE, Instant.parse("2026-12-06T12:00:00Z"), null, 0, 2,
            Instant.parse("2026-12-06T12:05:00Z"));

    private final MapperRegistry registry = new MapperRegistry() {
        @Override
        public List<MapperStatus> mappers() {
            return List.of(RANDOM);
        }

        @Override
        public Optional<MapperStatus> mapper(String protocol) {
            return Optional.of(RANDOM);
        }
    };

    @Test
    void mappersAsJson() {
        JsonNode mapper = new MappersResource(registry).mappers().path("mappers").get(0);

        assertThat(mapper.path("name").asText()).isEqualTo("random-mapper");
        assertThat(mapper.path("version").asText()).isEqualTo("v1.22.2");
        assertThat(mapper.path("protocol").asText()).isEqualTo("random");
        assertThat(mapper.path("socket").asText()).isEqualTo("/run/random.sock");
        assertThat(mapper.path("state").asText()).isEqualTo("reachable");
        assertThat(mapper.path("claims").asBoolean()).isTrue();
        assertThat(mapper.path("devices").asInt()).isEqualTo(2);
        assertThat(mapper.path("lastReport").asText()).isEqualTo("2026-12-06T12:05:00Z");
        assertThat(mapper.path("lastError").isNull()).isTrue();
    }
}
