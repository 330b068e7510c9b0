package io.karedge.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class TwinResourceTest {

    /** A twin engine with one device whose properties keep a version each. */
    static final class FakeEngine implements TwinEngine {

        final Map<String, Long> versions = new HashMap<>(Map.of("setpoint", 7L));
        final Map<String, String> values = new HashMap<>(Map.of("setpoint", "22"));

        @Override
        public CompletionStage<TwinReply> handle(TwinRequest request) {
            return CompletableFuture.completedFuture(new TwinReply(500, "unused", null, 0));
        }

        @Override
        public synchronized CompletionStage<TwinReply> setDesired(String deviceId, String property, String value,
                                                                  long expectedVersion, TwinOrigin origin) {
            long current = versions.getOrDefault(property, 0L);
            if (!value.matches("[0-9]+")) {
                return CompletableFuture.completedFuture(new TwinReply(400, "the value is not int or integer", null, 0));
            }
            if (expectedVersion != TwinStore.ANY_VERSION && expectedVersion != current) {
                return CompletableFuture.completedFuture(new TwinReply(409, "twin " + deviceId + "/" + property
                        + " is at version " + current + ", not " + expectedVersion, null, current));
            }
            versions.put(property, current + 1);
            values.put(property, value);
            return CompletableFuture.completedFuture(new TwinReply(200, null, null, current + 1));
        }

        @Override
        public synchronized Optional<DeviceTwin> device(String deviceId) {
            if (!"plant-a/thermo-01".equals(deviceId)) {
                return Optional.empty();
            }
            Map<String, TwinRecord> twins = new HashMap<>();
            versions.forEach((property, version) -> twins.put(property, new TwinRecord(deviceId, property, version,
                    KaredgeJson.mapper().createObjectNode().set("expected",
                            KaredgeJson.mapper().createObjectNode().put("value", values.get(property))),
                    Instant.parse("2026-01-01T00:00:00Z"))));
            return Optional.of(new DeviceTwin(deviceId, "online", Instant.parse("2026-01-01T00:00:03Z"), twins));
        }

        @Override
        public Set<String> members() {
            return Set.of("plant-a/thermo-01");
        }
    }

    private final FakeEngine engine = new FakeEngine();
    private final TwinChangeHub hub = new TwinChangeHub();
    private final TwinResource resource = new TwinResource(engine, hub);

    private static String body(String json) {
        return json;
    }

    private Response put(String namespace, String name, String json) {
        return resource.put(namespace, name, "application/json", null,
                new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void getShowsTwinsWithVersionsStateAndLastOnline() {
        Response response = resource.get("plant-a", "thermo-01", null, null);
        assertThat(response.getStatus()).isEqualTo(200);
        JsonNode json = (JsonNode) response.getEntity();
        assertThat(json.path("state").asText()).isEqualTo("online");
        assertThat(json.path("lastOnline").asText()).isEqualTo("2026-01-01T00:00:03Z");
        assertThat(json.path("twins").path("setpoint").path("version").asLong()).isEqualTo(7);
        assertThat(json.path("twins").path("setpoint").path("expected").path("value").asText()).isEqualTo("22");
        assertThat(resource.get("plant-a", "nobody", null, null).getStatus()).isEqualTo(404);
    }

    @Test
    void putWritesAtTheExpectedVersionAndAnswersConflictsWithTheCurrentOne() throws Exception {
        Response ok = put("plant-a", "thermo-01",
                body("{\"desired\": {\"setpoint\": \"23\"}, \"expectedVersions\": {\"setpoint\": 7}}"));
        assertThat(ok.getStatus()).isEqualTo(200);
        assertThat(((JsonNode) ok.getEntity()).path("versions").path("setpoint").asLong()).isEqualTo(8);

        Response conflict = put("plant-a", "thermo-01",
                body("{\"desired\": {\"setpoint\": \"24\"}, \"expectedVersions\": {\"setpoint\": 7}}"));
        assertThat(conflict.getStatus()).isEqualTo(409);
        JsonNode status = (JsonNode) conflict.getEntity();
        assertThat(status.path("details").path("currentVersions").path("setpoint").asLong()).isEqualTo(8);
        assertThat(status.path("message").asText()).contains("is at version 8, not 7");
        assertThat(engine.values.get("setpoint")).isEqualTo("23");

        assertThat(put("plant-a", "thermo-01", body("{\"desired\": {\"setpoint\": \"warm\"}}")).getStatus())
                .isEqualTo(400);
        assertThat(put("plant-a", "thermo-01", body("{\"desired\": {\"setpoint\": 5}}")).getStatus())
                .isEqualTo(400);
        assertThat(put("plant-a", "thermo-01", body("{}")).getStatus()).isEqualTo(400);
        assertThat(put("plant-a", "nobody", body("{\"desired\": {\"a\": \"1\"}}")).getStatus()).isEqualTo(404);
    }

    @Test
    void aPutOfMorePropertiesThanTheLimitIsRefusedBeforeAnyIsWritten() {
        TwinResource limited = new TwinResource(engine, hub, new RestLimits(RestLimits.DEFAULT_BODY_MAX_BYTES,
                RestLimits.DEFAULT_WATCH_BUFFER_MAX_BYTES, RestLimits.DEFAULT_MAX_WATCHES, 2));
        Response refused = limited.put("plant-a", "thermo-01", "application/json", null,
                new java.io.ByteArrayInputStream("{\"desired\": {\"a\": \"1\", \"b\": \"2\", \"c\": \"3\"}}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(refused.getStatus()).isEqualTo(413);
        assertThat(((JsonNode) refused.getEntity()).path("message").asText())
                .isEqualTo("the request sets 3 properties; at most 2 are allowed in one request "
                        + "(twin.properties.per.request.max)");
        assertThat(engine.versions).containsOnlyKeys("setpoint");
    }

    @Test
    void aRefusalNamesItsProperty() {
        Response bad = put("plant-a", "thermo-01", body("{\"desired\": {\"setpoint\": \"24\", \"mode\": \"hot\"}}"));
        assertThat(bad.getStatus()).isEqualTo(400);
        JsonNode status = (JsonNode) bad.getEntity();
        assertThat(status.path("details").path("property").asText()).isEqualTo("mode");
    }

    @Test
    void aWatchStreamsTheChangesOfItsDeviceAsJsonLines() throws Exception {
        TwinWatchStream stream = new TwinWatchStream(hub, "plant-a/thermo-01", Duration.ofMillis(600), 16,
                Duration.ofSeconds(5));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread writer = new Thread(() -> {
            try {
                stream.write(output);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        org.awaitility.Awaitility.await().until(() -> hub.subscribers() == 1);
        TwinRecord record = new TwinRecord("plant-a/thermo-01", "setpoint", 9, TextNode.valueOf("x"), Instant.EPOCH);
        hub.twinChanged(new TwinChange("plant-a/other", TwinOrigin.MQTT, Map.of(), "online", List.of()));
        hub.twinChanged(new TwinChange("plant-a/thermo-01", TwinOrigin.REST, Map.of("setpoint", record), null,
                List.of(new TwinPublication("$hw/events/device/plant-a/thermo-01/twin/update/document",
                        KaredgeJson.mapper().createObjectNode()))));
        writer.join(5000);

        List<String> lines = output.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(1);
        JsonNode event = KaredgeJson.mapper().readTree(lines.get(0));
        assertThat(event.path("type").asText()).isEqualTo("CHANGE");
        assertThat(event.path("deviceId").asText()).isEqualTo("plant-a/thermo-01");
        assertThat(event.path("twins").path("setpoint").path("version").asLong()).isEqualTo(9);
        assertThat(event.path("publications").path(0).path("topic").asText()).endsWith("/twin/update/document");
        assertThat(hub.subscribers()).isZero();
    }
}
