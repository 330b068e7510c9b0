package io.karedge.dmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapperClaimDriverTest {

    private static io.karedge.api.device.Device device(String name) {
        return new io.karedge.api.device.Device("devices.kubeedge.io/v1beta1", "Device",
                new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("line-1").build(),
                null, null);
    }

    @Test
    void claimedDevicesArePolledByNobody() throws Exception {
        DeviceHandler handler = new MapperClaimDriver("modbus", (ns, name, values) -> true).open(device("p1"), null);

        assertThat(handler).isInstanceOf(PushingHandler.class);
        assertThat(((PushingHandler) handler).subscribe(List.of())).isEmpty();
        assertThat(handler.read(List.of())).isEmpty();
        assertThat(handler.write(List.of())).isEmpty();
        handler.close();
    }

    @Test
    void aWriteHandsTheDesiredValuesToTheMapperSide() throws Exception {
        var property = new io.karedge.api.device.DeviceProperty("level", null, null, null, null, null, null);
        var write = new io.karedge.device.driver.PropertyWrite(
                new io.karedge.device.driver.PropertyRequest(property, null), "7");
        java.util.Map<String, java.util.Map<String, String>> given = new java.util.HashMap<>();

        List<PropertyValue> results = new MapperClaimDriver("modbus", (ns, name, values) -> {
            given.put(ns + "/" + name, values);
            return true;
        }).open(device("p1"), null).write(List.of(write));

        assertThat(given).containsEntry("line-1/p1", java.util.Map.of("level", "7"));
        assertThat(results).singleElement().satisfies(result -> assertThat(result.ok()).isTrue());
        List<PropertyValue> unknown = new MapperClaimDriver("modbus", (ns, name, values) -> false)
                .open(device("p2"), null).write(List.of(write));
        assertThat(unknown).singleElement().satisfies(result -> {
            assertThat(result.ok()).isFalse();
            assertThat(result.error()).contains("not known to the DMI server of protocol modbus");
        });
    }
}
