package io.karedge.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.twin.TwinVersionConflictException;
import io.karedge.api.twin.TwinWrite;
import io.karedge.api.uplink.UplinkMessage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTwinStoreTest {

    private static final String DEVICE = "edge/thermometer-1";

    @TempDir
    Path dataDirectory;

    private Store store;
    private SqliteTwinStore twins;

    @BeforeEach
    void open() {
        store = Store.open(dataDirectory, StoreSettings.defaults());
        twins = store.twinStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static JsonNode twin(String expected, String actual) {
        ObjectNode twin = KaredgeJson.mapper().createObjectNode();
        twin.putObject("expected").put("value", expected);
        twin.putObject("actual").put("value", actual);
        return twin;
    }

    @Test
    void versionsStartAtOneAndGrowByOnePerWrite() throws Exception {
        Instant before = Instant.now().minusMillis(1);

        TwinRecord first = twins.put(DEVICE, "temperature", twin("20", "19"), TwinStore.ANY_VERSION);
        TwinRecord second = twins.put(DEVICE, "temperature", twin("21", "19"), TwinStore.ANY_VERSION);

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.updatedAt()).isAfter(before);
        TwinRecord read = twins.get(DEVICE, "temperature").orElseThrow();
        assertThat(read).isEqualTo(second);
        assertThat(read.twin().at("/expected/value").asText()).isEqualTo("21");
        assertThat(twins.get(DEVICE, "humidity")).isEmpty();
    }

    @Test
    void conditionalWritesCompareTheVersion() throws Exception {
        TwinRecord created = twins.put(DEVICE, "temperature", twin("20", "19"), 0);

        assertThatThrownBy(() -> twins.put(DEVICE, "temperature", twin("x", "x"), 0))
                .isInstanceOfSatisfying(TwinVersionConflictException.class, e -> {
                    assertThat(e.expected()).isZero();
                    assertThat(e.actual()).isEqualTo(1);
                });
        TwinRecord updated = twins.put(DEVICE, "temperature", twin("22", "19"), created.version());
        assertThatThrownBy(() -> twins.put(DEVICE, "temperature", twin("x", "x"), created.version()))
                .isInstanceOf(TwinVersionConflictException.class)
                .hasMessageContaining("version 2, not 1");
        assertThatThrownBy(() -> twins.put(DEVICE, "pressure", twin("x", "x"), 3))
                .isInstanceOfSatisfying(TwinVersionConflictException.class,
                        e -> assertThat(e.actual()).isZero());

        assertThat(updated.version()).isEqualTo(2);
        assertThat(twins.get(DEVICE, "temperature").orElseThrow().twin().at("/expected/value").asText())
                .isEqualTo("22");
        assertThat(twins.get(DEVICE, "pressure")).isEmpty();
        assertThatThrownBy(() -> twins.put(DEVICE, "temperature", twin("x", "x"), -2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putAllWritesEveryPropertyInOneTransaction() throws Exception {
        twins.put(DEVICE, "temperature", twin("20", "19"), TwinStore.ANY_VERSION);
        Map<String, JsonNode> update = new LinkedHashMap<>();
        update.put("temperature", twin("21", "20"));
        update.put("humidity", twin("40", "41"));

        Map<String, TwinRecord> stored = twins.putAll(DEVICE, update);

        assertThat(stored).containsOnlyKeys("temperature", "humidity");
        assertThat(stored.get("temperature").version()).isEqualTo(2);
        assertThat(stored.get("humidity").version()).isEqualTo(1);
        assertThat(stored.get("humidity").updatedAt()).isEqualTo(stored.get("temperature").updatedAt());
        assertThat(twins.get(DEVICE)).containsOnlyKeys("humidity", "temperature");
        assertThat(twins.get(DEVICE).get("humidity")).isEqualTo(stored.get("humidity"));
        assertThat(twins.putAll(DEVICE, Map.of())).isEmpty();
        assertThat(twins.count()).isEqualTo(2);
    }

    @Test
    void deletesOnePropertyOrAWholeDevice() throws Exception {
        twins.put(DEVICE, "temperature", twin("20", "19"), TwinStore.ANY_VERSION);
        twins.put(DEVICE, "humidity", twin("40", "41"), TwinStore.ANY_VERSION);
        twins.put("edge/valve", "open", twin("true", "false"), TwinStore.ANY_VERSION);

        assertThat(twins.devices()).containsExactly("edge/thermometer-1", "edge/valve");
        assertThat(twins.delete(DEVICE, "humidity")).isTrue();
        assertThat(twins.delete(DEVICE, "humidity")).isFalse();
        assertThat(twins.count()).isEqualTo(2);
        assertThat(twins.deleteDevice(DEVICE)).isEqualTo(1);
        assertThat(twins.deleteDevice(DEVICE)).isZero();
        assertThat(twins.get(DEVICE)).isEmpty();
        assertThat(twins.devices()).containsExactly("edge/valve");
        assertThat(twins.put(DEVICE, "temperature", twin("1", "1"), 0).version()).isEqualTo(1);
    }

    @Test
    void twinsSurviveReopening() throws Exception {
        TwinRecord written = twins.put(DEVICE, "temperature", twin("20", "19"), TwinStore.ANY_VERSION);
        twins.put(DEVICE, "temperature", twin("23", "22"), written.version());

        store.close();
        open();

        TwinRecord read = twins.get(DEVICE, "temperature").orElseThrow();
        assertThat(read.version()).isEqualTo(2);
        assertThat(read.twin().at("/actual/value").asText()).isEqualTo("22");
        assertThat(twins.put(DEVICE, "temperature", twin("24", "22"), 2).version()).isEqualTo(3);
    }

    @Test
    void writeStoresTwinsAndUplinkMessagesTogether() throws Exception {
        UplinkMessage report = new UplinkMessage("twin", "twin", "update", "device/" + DEVICE + "/twin/edge_updated",
                KaredgeJson.mapper().createObjectNode().put("n", 1), "twin/" + DEVICE + "/temperature");

        Map<String, TwinRecord> stored = twins.write(new TwinWrite(DEVICE,
                Map.of("temperature", twin("20", "19"), "humidity", twin("", "40")), Map.of(), List.of(report)));

        assertThat(stored).containsOnlyKeys("temperature", "humidity");
        assertThat(stored.get("temperature").version()).isEqualTo(1);
        assertThat(store.uplink().depth()).isEqualTo(1);
        assertThat(store.uplink().pending(0, 10)).singleElement()
                .satisfies(entry -> assertThat(entry.message().resource()).endsWith("/twin/edge_updated"));
    }

    @Test
    void aConflictingWriteStoresNothingAtAll() throws Exception {
        twins.put(DEVICE, "temperature", twin("20", "19"), TwinStore.ANY_VERSION);
        UplinkMessage report = new UplinkMessage("twin", "twin", "update", "r",
                KaredgeJson.mapper().createObjectNode(), null);

        assertThatThrownBy(() -> twins.write(new TwinWrite(DEVICE,
                Map.of("humidity", twin("", "41"), "temperature", twin("21", "19")),
                Map.of("temperature", 7L), List.of(report))))
                .isInstanceOf(TwinVersionConflictException.class)
                .satisfies(e -> assertThat(((TwinVersionConflictException) e).actual()).isEqualTo(1));

        assertThat(twins.get(DEVICE)).containsOnlyKeys("temperature");
        assertThat(twins.get(DEVICE, "temperature").orElseThrow().version()).isEqualTo(1);
        assertThat(store.uplink().depth()).isZero();
    }

    @Test
    void writeCoalescesUplinkMessagesByKey() throws Exception {
        for (int i = 0; i < 3; i++) {
            twins.write(new TwinWrite(DEVICE, Map.of("temperature", twin("", String.valueOf(i))), Map.of(),
                    List.of(new UplinkMessage("twin", "twin", "update", "r",
                            KaredgeJson.mapper().createObjectNode().put("v", i), "twin/" + DEVICE + "/temperature"))));
        }

        assertThat(store.uplink().pending(0, 10)).singleElement().satisfies(entry -> {
            assertThat(entry.message().content().get("v").asInt()).isEqualTo(2);
            assertThat(entry.coalesced()).isEqualTo(2);
        });
        assertThat(twins.get(DEVICE, "temperature").orElseThrow().version()).isEqualTo(3);
    }
}
