package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.device.driver.StateDetail;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverInfo;
import io.karedge.device.manager.PropertyInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceManagerFormatterTest {

    private final Instant now = Instant.parse("2026-01-01T00:01:00Z");

    @Test
    void driversShowProtocolBundleVersionDevicesAndErrors() {
        String text = DeviceManagerFormatter.drivers(List.of(
                new DriverInfo("virtual", "io.karedge.protocol.virtual", "0.1.0", 12, 0, true, 3, 1, "bad", List.of())));
        assertThat(text.lines().toList()).hasSize(2);
        assertThat(text.lines().toList().get(1)).contains("virtual", "io.karedge.protocol.virtual", "0.1.0", "yes", "3",
                "bad");
        assertThat(DeviceManagerFormatter.drivers(List.of())).isEqualTo("No protocol drivers registered.\n");
    }

    @Test
    void deviceShowsStateReasonValuesAndLastError() {
        DeviceInfo info = new DeviceInfo("default/t1", "virtual", "thermo", "", DeviceRunState.OFFLINE,
                "read failed: timeout", now.minusSeconds(5), "io.karedge.protocol.virtual 0.1.0", "read failed: timeout",
                now.minusSeconds(5), 10, 2, 4, List.of(new PropertyInfo("temperature", "float", false, false, 1000, 5000,
                        true, "21.5", now.minusMillis(300), null, now.minusSeconds(1), null, null)));
        String text = DeviceManagerFormatter.device(info, now);
        assertThat(text).contains("State:       OFFLINE (5s ago)", "Reason:      read failed: timeout",
                "10 ok, 2 failed, 4 cycles skipped", "Node:        <any>");
        assertThat(text.lines().filter(l -> l.startsWith("temperature")).findFirst().orElseThrow())
                .contains("float", "21.5", "300ms ago", "1000ms", "5000ms");
    }

    @Test
    void theReasonSaysTheDetailBeforeTheDriversMessage() {
        DeviceInfo refused = new DeviceInfo("default/plc-01", "modbus", "plc-model", "", DeviceRunState.OFFLINE,
                "connection refused by 127.0.0.1:1502", now.minusSeconds(5), "io.karedge.protocol.modbus 0.1.0",
                "read failed: connection refused by 127.0.0.1:1502", now.minusSeconds(5), 0, 3, 0, List.of(), 0,
                StateDetail.COMMUNICATION_ERROR);
        assertThat(DeviceManagerFormatter.device(refused, now))
                .contains("Reason:      communication error: connection refused by 127.0.0.1:1502");

        DeviceInfo reading = new DeviceInfo("default/plc-02", "modbus", "plc-model", "", DeviceRunState.ONLINE,
                "reading with io.karedge.protocol.modbus 0.1.0", now.minusSeconds(5), "", null, null, 3, 0, 0,
                List.of(), 0, StateDetail.NONE);
        assertThat(DeviceManagerFormatter.device(reading, now))
                .contains("Reason:      reading with io.karedge.protocol.modbus 0.1.0\n");
    }

    @Test
    void aDeviceAMapperServesShowsTheTwinsValues() {
        DeviceInfo info = new DeviceInfo("default/random-01", "random", "random-model", "", DeviceRunState.ONLINE,
                "opened with the mapper", now.minusSeconds(5), "io.karedge.dmi 0.1.0", null, null, 0, 0, 0,
                List.of(new PropertyInfo("setpoint", "int", true, true, 1000, 1000, true, null, null, null, null,
                        "77", "ok")));
        String text = DeviceManagerFormatter.device(info, now, java.util.Map.of("setpoint", "77"));
        assertThat(text.lines().filter(l -> l.startsWith("setpoint")).findFirst().orElseThrow())
                .contains("77 (twin)").doesNotContain("<none>");
        assertThat(text).contains("Last error:  <none>").doesNotContain("Rewrites:");
    }

    @Test
    void aDeviceWhoseDesiredValueWasWrittenAgainSaysHowOften() {
        DeviceInfo info = new DeviceInfo("default/plc-01", "modbus", "plc-model", "", DeviceRunState.ONLINE,
                "reading", now.minusSeconds(5), "io.karedge.protocol.modbus 0.1.0", null, null, 9, 0, 0, List.of(), 3);
        assertThat(DeviceManagerFormatter.device(info, now)).contains("Rewrites:    3 (a desired value written again");
    }
}
