package io.karedge.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class HistoryResourceTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private final TwinHistory history = new TwinHistory(new ValueHistory.Limits(120, 60, 100));
    private final HistoryResource resource = new HistoryResource(history, new OneDevice("default/t"),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void pointsOfTheLastHourByDefaultAsCompactRows() {
        ValueHistory values = history.history();
        values.add("default/t", "temperature", NOW.minusSeconds(7200).toEpochMilli(), "10", null);
        values.add("default/t", "temperature", NOW.minusSeconds(30).toEpochMilli(), "21.5", "22");
        values.add("default/t", "mode", NOW.minusSeconds(20).toEpochMilli(), "auto", "manual");

        Response response = resource.history("default", "t", null, null);
        assertThat(response.getStatus()).isEqualTo(200);
        JsonNode body = (JsonNode) response.getEntity();
        assertThat(body.path("since").asText()).isEqualTo("2026-06-01T11:00:00Z");
        assertThat(body.path("properties").path("temperature").path("kind").asText()).isEqualTo("number");
        assertThat(body.path("properties").path("temperature").path("points").toString())
                .isEqualTo("[[" + NOW.minusSeconds(30).toEpochMilli() + ",21.5,22.0]]");
        assertThat(body.path("properties").path("mode").path("kind").asText()).isEqualTo("text");
        assertThat(body.path("properties").path("mode").path("points").get(0).get(1).asText()).isEqualTo("auto");

        JsonNode one = (JsonNode) resource.history("default", "t", "mode", "600s").getEntity();
        assertThat(one.path("properties").size()).isEqualTo(1);
    }

    @Test
    void unknownDevicesAndUnreadableTimesAreRefused() {
        assertThat(resource.history("default", "nope", null, null).getStatus()).isEqualTo(404);
        Response bad = resource.history("default", "t", null, "yesterday");
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(((JsonNode) bad.getEntity()).path("message").asText()).contains("'yesterday'");
        assertThat(resource.history("default", "t", null, "-5s").getStatus()).isEqualTo(400);
    }

    @Test
    void sinceTakesATimeMillisecondsOrASpan() {
        assertThat(HistoryResource.parseSince("2026-06-01T11:50:00Z", NOW)).isEqualTo(NOW.minusSeconds(600));
        assertThat(HistoryResource.parseSince(String.valueOf(NOW.toEpochMilli() - 5000), NOW))
                .isEqualTo(NOW.minusSeconds(5));
        assertThat(HistoryResource.parseSince("600s", NOW)).isEqualTo(NOW.minusSeconds(600));
        assertThatThrownBy(() -> HistoryResource.parseSince("s", NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A twin engine with one member device and nothing else. */
    private record OneDevice(String id) implements TwinEngine {

        @Override
        public CompletionStage<TwinReply> handle(TwinRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<TwinReply> setDesired(String deviceId, String property, String value,
                                                     long expectedVersion, TwinOrigin origin) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<DeviceTwin> device(String deviceId) {
            return deviceId.equals(id) ? Optional.of(new DeviceTwin(id, "online", null, Map.of())) : Optional.empty();
        }

        @Override
        public Set<String> members() {
            return Set.of(id);
        }
    }
}
