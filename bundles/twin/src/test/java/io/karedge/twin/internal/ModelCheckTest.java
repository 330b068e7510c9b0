package io.karedge.twin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.device.DeviceModelSpec;
import io.karedge.api.device.ModelProperty;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Desired values are checked against the device's DeviceModel, from every door of the engine. */
class ModelCheckTest extends TwinFixture {

    private static final DeviceModel MODEL = new DeviceModel("devices.kubeedge.io/v1beta1", "DeviceModel",
            new ObjectMetaBuilder().withName("thermo-model").withNamespace("plant-a").build(),
            new DeviceModelSpec("modbus", null, List.of(
                    new ModelProperty("setpoint", null, "INT", "ReadWrite", "5", "30", null, null),
                    new ModelProperty("temperature", null, "FLOAT", "ReadOnly", null, null, null, null))));

    @BeforeEach
    void member() {
        engine = new DeviceTwinEngine(store, NODE, EngineSettings.defaults(), clock,
                id -> THERMO.equals(id) ? Optional.of(MODEL) : Optional.empty());
        engine.addListener(listener);
        join(THERMO, new MemberDevice.Desired("setpoint", "17", "int"));
    }

    private String expected(String property) {
        return store.get(THERMO, property).map(r -> r.twin().path("expected").path("value").asText()).orElse(null);
    }

    @Test
    void edgeWritesTheModelForbidsAre400AndStoreNothing() {
        for (TwinOrigin origin : List.of(TwinOrigin.REST, TwinOrigin.SHELL, TwinOrigin.MQTT)) {
            TwinReply above = reply(engine.setDesired(THERMO, "setpoint", "99", TwinStore.ANY_VERSION, origin));
            assertThat(above.code()).isEqualTo(400);
            assertThat(above.reason()).contains("above the maximum 30");
            TwinReply readOnly = reply(engine.setDesired(THERMO, "temperature", "18", TwinStore.ANY_VERSION, origin));
            assertThat(readOnly.code()).isEqualTo(400);
            assertThat(readOnly.reason()).contains("ReadOnly");
        }
        assertThat(expected("setpoint")).isEqualTo("17");
        assertThat(store.get(THERMO, "temperature")).isEmpty();
        assertThat(reply(engine.setDesired(THERMO, "setpoint", "29", TwinStore.ANY_VERSION, TwinOrigin.REST)).code())
                .isEqualTo(200);
        assertThat(expected("setpoint")).isEqualTo("29");
    }

    @Test
    void anMqttUpdateWithAForbiddenExpectedValueIsAnErrorResultAndChangesNothing() {
        TwinReply refused = update(THERMO, "{\"event_id\":\"e1\",\"twin\":{\"setpoint\":{\"expected\":{\"value\":\"4\"}},"
                + "\"other\":{\"expected\":{\"value\":\"1\"}}}}");
        assertThat(refused.code()).isEqualTo(400);
        assertThat(refused.reason()).contains("below the minimum 5");
        assertThat(text(refused.result())).contains("\"code\":400");
        assertThat(expected("setpoint")).isEqualTo("17");
        assertThat(store.get(THERMO, "other")).as("the whole message is refused").isEmpty();
        assertThat(update(THERMO, "{\"twin\":{\"temperature\":{\"actual\":{\"value\":\"21.5\"}}}}").code())
                .as("actual values of a read-only property are reports, not desired values").isEqualTo(200);
    }

    @Test
    void aSpecValueTheModelForbidsIsNotApplied() {
        engine.memberChanged(new MemberDevice(THERMO, "thermo-01", "", List.of(
                new MemberDevice.Desired("setpoint", "31", "int"),
                new MemberDevice.Desired("temperature", "20", "float"))));
        settle(THERMO);
        assertThat(expected("setpoint")).isEqualTo("17");
        assertThat(store.get(THERMO, "temperature")).isEmpty();
        engine.memberChanged(new MemberDevice(THERMO, "thermo-01", "", List.of(
                new MemberDevice.Desired("setpoint", "25", "int"))));
        settle(THERMO);
        assertThat(expected("setpoint")).isEqualTo("25");
    }

    @Test
    void aCloudSyncWithAForbiddenValueKeepsTheEdgeValue() {
        send(TwinOperation.TWIN_CLOUD_UPDATED, THERMO, "{\"twin\":{\"setpoint\":{\"expected\":{\"value\":\"77\"},"
                + "\"expected_version\":{\"cloud\":9,\"edge\":0},\"metadata\":{\"type\":\"int\"}}}}");
        assertThat(expected("setpoint")).isEqualTo("17");
    }
}
