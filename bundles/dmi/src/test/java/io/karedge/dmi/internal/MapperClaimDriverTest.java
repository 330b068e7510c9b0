package io.karedge.dmi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapperClaimDriverTest {

    @Test
    void claimedDevicesArePolledByNobodyAndRefuseEdgeWrites() throws Exception {
        DeviceHandler handler = new MapperClaimDriver("modbus").open(null, null);

        assertThat(handler).isInstanceOf(PushingHandler.class);
        assertThat(((PushingHandler) handler).subscribe(List.of())).isEmpty();
        assertThat(handler.read(List.of())).isEmpty();
        assertThat(handler.write(List.of())).isEmpty();
        handler.close();
    }

    @Test
    void aWriteAnswersWhoServesTheDevice() throws Exception {
        var property = new io.karedge.api.device.DeviceProperty("level", null, null, null, null, null, null);
        var write = new io.karedge.device.driver.PropertyWrite(
                new io.karedge.device.driver.PropertyRequest(property, null), "7");

        List<PropertyValue> results = new MapperClaimDriver("modbus").open(null, null).write(List.of(write));

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.ok()).isFalse();
            assertThat(result.error()).contains("external mapper of protocol modbus");
        });
    }
}
