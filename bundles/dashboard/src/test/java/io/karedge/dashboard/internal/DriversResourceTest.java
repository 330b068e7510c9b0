package io.karedge.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.device.driver.StateDetail;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriversResourceTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void eachDeviceCarriesTheDetailAndTheMessageOfItsState() {
        DeviceInfo refused = new DeviceInfo("default/plc-01", "modbus", "plc", "", DeviceRunState.OFFLINE,
                "connection refused by 127.0.0.1:1502", NOW, "io.karedge.protocol.modbus 0.1.0",
                "read failed: connection refused by 127.0.0.1:1502", NOW, 0, 4, 0, List.of(), 0,
                StateDetail.COMMUNICATION_ERROR);
        DeviceInfo reading = new DeviceInfo("default/thermo", "virtual", "thermo", "", DeviceRunState.ONLINE,
                "reading with io.karedge.protocol.virtual 0.1.0", NOW, "io.karedge.protocol.virtual 0.1.0", null, null,
                9, 0, 0, List.of());
        JsonNode body = new DriversResource(manager(List.of(refused, reading))).drivers();

        JsonNode plc = body.path("devices").get(0);
        assertThat(plc.path("state").asText()).isEqualTo("OFFLINE");
        assertThat(plc.path("detail").asText()).isEqualTo("communication_error");
        assertThat(plc.path("reason").asText()).isEqualTo("connection refused by 127.0.0.1:1502");
        assertThat(plc.path("reasonText").asText())
                .isEqualTo("communication error: connection refused by 127.0.0.1:1502");
        JsonNode thermo = body.path("devices").get(1);
        assertThat(thermo.path("detail").asText()).isEqualTo("none");
        assertThat(thermo.path("reasonText").asText()).isEqualTo("reading with io.karedge.protocol.virtual 0.1.0");
    }

    private static DeviceManagerStatus manager(List<DeviceInfo> devices) {
        return new DeviceManagerStatus() {
            @Override
            public List<DriverInfo> drivers() {
                return List.of();
            }

            @Override
            public List<DeviceInfo> devices() {
                return devices;
            }

            @Override
            public Optional<DeviceInfo> device(String id) {
                return devices.stream().filter(d -> d.id().equals(id)).findFirst();
            }
        };
    }
}
