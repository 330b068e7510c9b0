package io.karedge.twin.internal;

import io.karedge.test.support.InMemoryMetaStore;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinOperation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import io.karedge.api.twin.TwinStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MembershipTest extends TwinFixture {

    private final InMemoryMetaStore meta = new InMemoryMetaStore();
    private MembershipWatcher watcher;

    static ObjectNode device(String namespace, String name, String node, String setpoint) {
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1");
        device.put("kind", "Device");
        ObjectNode metadata = device.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        metadata.putObject("labels").put("description", "boiler-room-thermometer");
        ObjectNode spec = device.putObject("spec");
        spec.putObject("deviceModelRef").put("name", "thermo-model");
        if (node != null) {
            spec.put("nodeName", node);
        }
        ArrayNode properties = spec.putArray("properties");
        properties.addObject().put("name", "temperature").putObject("desired").put("value", "");
        if (setpoint != null) {
            properties.addObject().put("name", "setpoint").putObject("desired").put("value", setpoint);
        }
        return device;
    }

    static ObjectNode model(String namespace) {
        ObjectNode model = KaredgeJson.mapper().createObjectNode();
        model.put("apiVersion", "devices.kubeedge.io/v1beta1");
        model.put("kind", "DeviceModel");
        model.putObject("metadata").put("name", "thermo-model").put("namespace", namespace);
        ArrayNode properties = model.putObject("spec").putArray("properties");
        properties.addObject().put("name", "setpoint").put("type", "INT");
        properties.addObject().put("name", "temperature").put("type", "FLOAT");
        return model;
    }

    @BeforeEach
    void startAll() {
        meta.put(model("plant-a"), "local");
        meta.put(device("plant-a", "thermo-01", NODE, "22"), "local");
        meta.put(device("plant-a", "elsewhere", "other-node", "1"), "local");
        meta.put(device("plant-a", "anywhere", null, null), "local");
        start();
        watch();
    }

    private void watch() {
        watcher = new MembershipWatcher(meta, engine, NODE);
        watcher.start();
        await().atMost(Duration.ofSeconds(5)).until(watcher::watching);
    }

    @AfterEach
    void stopWatcher() {
        watcher.close();
    }

    private void awaitMembers(String... ids) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(engine.members()).containsOnly(ids));
    }

    @Test
    void devicesOfThisNodeOrOfNoNodeJoinWithTheirDesiredValues() {
        awaitMembers(THERMO, "plant-a/anywhere");
        settle(THERMO);
        settle("plant-a/anywhere");
        List<TwinPublication> updates = listener.publications("/membership/updated");
        assertThat(updates).extracting(TwinPublication::topic)
                .containsOnly("$hw/events/node/edge-node-7/membership/updated");
        JsonNode added = updates.stream().map(TwinPublication::payload)
                .filter(p -> p.path("added_devices").path(0).path("id").asText().equals(THERMO)).findFirst().orElseThrow();
        assertThat(added.path("removed_devices").isNull()).isTrue();
        assertThat(added.path("added_devices").path(0).path("name").asText()).isEqualTo("thermo-01");
        assertThat(added.path("added_devices").path(0).path("description").asText()).isEqualTo("boiler-room-thermometer");
        assertThat(added.path("added_devices").path(0).path("twin").path("setpoint").path("expected").path("value")
                .asText()).isEqualTo("22");

        JsonNode setpoint = stored(THERMO, "setpoint");
        assertThat(setpoint.path("metadata").path("type").asText()).isEqualTo("int");
        assertThat(tree(setpoint.path("expected_version"))).isEqualTo(json("{\"cloud\":1,\"edge\":0}"));
        assertThat(store.get(THERMO, "temperature")).isEmpty();
        assertThat(store.get(THERMO, "$state")).isPresent();
        assertThat(listener.publications("twin/update/delta")).isNotEmpty();
        assertThat(store.uplink()).isEmpty();
    }

    @Test
    void aChangedSpecValueIsACloudWriteAndAnUnchangedOneKeepsTheEdgesValue() {
        awaitMembers(THERMO, "plant-a/anywhere");
        reply(engine.setDesired(THERMO, "setpoint", "25", TwinStore.ANY_VERSION, TwinOrigin.REST));

        ObjectNode relabelled = device("plant-a", "thermo-01", NODE, "22");
        ((ObjectNode) relabelled.path("metadata").path("labels")).put("room", "2");
        meta.put(relabelled, "local");
        settle(THERMO);
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("25");

        meta.put(device("plant-a", "thermo-01", NODE, "30"), "local");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("30"));
        assertThat(tree(stored(THERMO, "setpoint").path("expected_version"))).isEqualTo(json("{\"cloud\":2,\"edge\":1}"));
    }

    @Test
    void aDeviceMovedAwayOrDeletedLeavesWithItsTwins() {
        awaitMembers(THERMO, "plant-a/anywhere");
        meta.put(device("plant-a", "thermo-01", "other-node", "22"), "local");
        awaitMembers("plant-a/anywhere");
        assertThat(store.devices()).doesNotContain(THERMO);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(listener.publications("/membership/updated"))
                .anySatisfy(p -> {
                    assertThat(p.payload().path("added_devices").isNull()).isTrue();
                    assertThat(p.payload().path("removed_devices").path(0).path("id").asText()).isEqualTo(THERMO);
                }));

        meta.delete(ObjectKey.of("Device", "plant-a", "anywhere"));
        awaitMembers();
        assertThat(update("plant-a/anywhere", "{\"twin\": {}}").code()).isEqualTo(404);
    }

    @Test
    void aClosedWatchIsReopenedAndMissesNothing() {
        awaitMembers(THERMO, "plant-a/anywhere");
        meta.breakWatches(new IllegalStateException("the watcher fell too far behind"));
        meta.put(device("plant-a", "late", NODE, null), "local");
        awaitMembers(THERMO, "plant-a/anywhere", "plant-a/late");
        await().atMost(Duration.ofSeconds(5)).until(watcher::watching);
    }

    @Test
    void aRestartRemovesDevicesDeletedWhileTheEngineWasDown() {
        awaitMembers(THERMO, "plant-a/anywhere");
        settle(THERMO);
        watcher.close();
        engine.close();
        meta.delete(ObjectKey.of("Device", "plant-a", "anywhere"));

        start();
        assertThat(engine.members()).containsOnly(THERMO, "plant-a/anywhere");
        watch();
        awaitMembers(THERMO);
        assertThat(store.devices()).containsOnly(THERMO);
        assertThat(stored(THERMO, "setpoint").path("expected").path("value").asText()).isEqualTo("22");
    }

    @Test
    void aReportForAStoredDeviceTheWatchHasNotDeliveredYetIsAccepted() {
        // a driver may report right after start-up or right after its Device was written, before the watch
        // has told the engine: the engine asks the MetaStore itself instead of answering 404
        meta.put(device("plant-a", "fresh", NODE, null), "local");
        watcher.close();
        engine.memberLookup(watcher::lookup);

        TwinReply reply = send(TwinOperation.STATE_UPDATE, "plant-a/fresh", "{\"state\": \"online\"}");

        assertThat(reply.code()).isEqualTo(200);
        assertThat(engine.device("plant-a/fresh")).isPresent();
        assertThat(send(TwinOperation.STATE_UPDATE, "plant-a/elsewhere", "{\"state\": \"online\"}").code())
                .as("a device of another node stays unknown").isEqualTo(404);
        assertThat(send(TwinOperation.STATE_UPDATE, "plant-a/absent", "{\"state\": \"online\"}").code())
                .isEqualTo(404);
    }
}
