package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwinFormatterTest {

    private static JsonNode json(String text) throws JsonProcessingException {
        return KaredgeJson.mapper().readTree(text);
    }

    @Test
    void deviceNamesDefaultToTheDefaultNamespace() {
        assertThat(TwinFormatter.deviceId("thermo-01", null)).isEqualTo("default/thermo-01");
        assertThat(TwinFormatter.deviceId("thermo-01", "plant-a")).isEqualTo("plant-a/thermo-01");
        assertThat(TwinFormatter.deviceId("plant-b/x", "plant-a")).isEqualTo("plant-b/x");
    }

    @Test
    void theTwinTableListsPropertiesInNameOrderWithVersions() throws Exception {
        Instant at = Instant.parse("2026-01-01T00:00:05Z");
        DeviceTwin twin = new DeviceTwin("plant-a/thermo-01", "online", Instant.parse("2026-01-01T00:00:03Z"), Map.of(
                "temperature", new TwinRecord("plant-a/thermo-01", "temperature", 12,
                        json("{\"actual\":{\"value\":\"21.5\"},\"metadata\":{\"type\":\"float\"}}"), at),
                "setpoint", new TwinRecord("plant-a/thermo-01", "setpoint", 3,
                        json("{\"expected\":{\"value\":\"23\"},\"actual\":{\"value\":\"\"},\"metadata\":{\"type\":\"int\"}}"),
                        at)));

        String text = TwinFormatter.format(twin);

        assertThat(text).isEqualTo("""
                Device:       plant-a/thermo-01
                State:        online
                Last online:  2026-01-01T00:00:03Z

                PROPERTY      TYPE    EXPECTED   ACTUAL   VERSION   UPDATED
                setpoint      int     23         ""       3         2026-01-01T00:00:05Z
                temperature   float   -          21.5     12        2026-01-01T00:00:05Z
                """);
        assertThat(TwinFormatter.format(new DeviceTwin("default/x", "unknown", null, Map.of())))
                .contains("Last online:  -").endsWith("No twins.\n");
    }

    @Test
    void setResultsSayTheVersionOrTheConflict() {
        assertThat(TwinFormatter.setResult("default/x", "p", new TwinReply(200, null, null, 8)))
                .isEqualTo("default/x p: desired value set, version 8");
        assertThat(TwinFormatter.setResult("default/x", "p", new TwinReply(409, "twin default/x/p is at version 9, not 7",
                null, 9))).isEqualTo("default/x p: conflict, the twin is at version 9 (twin default/x/p is at version 9, not 7)");
        assertThat(TwinFormatter.setResult("default/x", "p", new TwinReply(400, "the value is not int or integer", null, 0)))
                .isEqualTo("default/x p: refused (400): the value is not int or integer");
    }
}
