package io.karedge.protocol.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.PropertyRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModbusValidateTest {

    private static final String ENDPOINT = "{ip: 127.0.0.1, port: 1502, slaveID: 3, timeout: 500}";
    private final ModbusDriver driver = new ModbusDriver();

    private static Device withVisitor(String configData) {
        return ModbusDevices.device(ENDPOINT, "temperature|FLOAT|ReadOnly|" + configData);
    }

    private static Device withEndpoint(String configData) {
        return ModbusDevices.device(configData, "temperature|FLOAT|ReadOnly|{register: HoldingRegister, offset: 0}");
    }

    @Test
    void acceptsKubeEdgeSettings() {
        driver.validate(ModbusDevices.device(ENDPOINT,
                "a|INT|ReadOnly|{register: HoldingRegister, offset: 100, limit: 2, scale: 0.1, isSwap: true, "
                        + "isRegisterSwap: false, dataType: int}",
                "b|BOOLEAN|ReadWrite|{register: CoilRegister, offset: '7', limit: '1'}",
                "c|INT|ReadOnly|{register: InputRegister, offset: 0}",
                "d|BOOLEAN|ReadOnly|{register: DiscreteInputRegister, offset: 65535}"));
        assertThat(ModbusEndpoint.of(withEndpoint("{host: plc.local}")))
                .isEqualTo(new ModbusEndpoint("plc.local", 502, 1, Duration.ofMillis(3000)));
        assertThat(ModbusEndpoint.of(withEndpoint(ENDPOINT)))
                .isEqualTo(new ModbusEndpoint("127.0.0.1", 1502, 3, Duration.ofMillis(500)));
        assertThat(ModbusEndpoint.of(withEndpoint("{ip: plc.local, unitID: '4', timeout: 2s, port: '5020'}")))
                .isEqualTo(new ModbusEndpoint("plc.local", 5020, 4, Duration.ofSeconds(2)));
    }

    @Test
    void unknownRegisterType() {
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegisters, offset: 0}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device plant/plc-1 property temperature visitors.configData: register must be one of "
                        + "CoilRegister, DiscreteInputRegister, InputRegister, HoldingRegister, not 'HoldingRegisters'");
    }

    @Test
    void negativeOffset() {
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegister, offset: -1}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property temperature").hasMessageContaining("offset must be a whole number between 0 and 65535 (the zero-based address), not '-1'");
    }

    @Test
    void limitZero() {
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegister, offset: 0, limit: 0}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be a whole number of at least 1, not '0'");
    }

    @Test
    void missingHost() {
        assertThatThrownBy(() -> driver.validate(withEndpoint("{port: 502, slaveID: 1}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device plant/plc-1 protocol configData: ip is missing (the device's host name or address)");
    }

    @Test
    void otherMistakesAreNamed() {
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegister}")))
                .hasMessageContaining("offset is missing (the zero-based address)");
        assertThatThrownBy(() -> driver.validate(withVisitor("{offset: 1}")))
                .hasMessageContaining("register is missing");
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegister, offset: 1, limit: 126}")))
                .hasMessageContaining("(125)");
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegister, offset: 65535, limit: 2}")))
                .hasMessageContaining("runs past address 65535");
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegister, offset: 1, limit: 3, "
                + "dataType: int}"))).hasMessageContaining("needs limit 1, 2 or 4");
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: CoilRegister, offset: 1, isSwap: true}")))
                .hasMessageContaining("apply to registers");
        assertThatThrownBy(() -> driver.validate(withVisitor("{register: HoldingRegister, offset: ten}")))
                .hasMessageContaining("offset must be a whole number between 0 and 65535 (the zero-based address), not 'ten'");
        assertThatThrownBy(() -> driver.validate(withEndpoint("{ip: 10.0.0.1, port: 70000}")))
                .hasMessage("device plant/plc-1 protocol configData: port must be a whole number between 1 and 65535, not '70000'");
        assertThatThrownBy(() -> driver.validate(withEndpoint("{ip: 10.0.0.1, slaveID: 300}")))
                .hasMessageContaining("slaveID must be a whole number between 0 and 255, not '300'");
        assertThatThrownBy(() -> driver.validate(withEndpoint("{ip: 10.0.0.1, timeout: 0}")))
                .hasMessageContaining("timeout must be a duration (a number of milliseconds");
        assertThatThrownBy(() -> driver.validate(withEndpoint("{ip: 10.0.0.1, unitID: 2, slaveID: 2}")))
                .hasMessageContaining("set slaveID or unitID, not both");
        assertThatThrownBy(() -> driver.validate(withEndpoint("{ip: 'plc 1'}")))
                .hasMessageContaining("ip must be a host name or address, not 'plc 1'");
        assertThatThrownBy(() -> driver.validate(withEndpoint("{serialPort: /dev/ttyUSB0, baudRate: 9600}")))
                .hasMessageContaining("Modbus RTU").hasMessageContaining("TCP only");
    }

    @Test
    void registerNamesMatchInAnyCase() {
        assertThat(PropertyRequest.of(withVisitor("{register: holdingregister, offset: '3'}"), null).get(0)
                .configAs(ModbusVisitor.class).register()).isEqualTo(RegisterType.HOLDING);
    }

    @Test
    void aMisspelledKeyIsOneWarningNamingTheKeyAndTheDevice() {
        Device device = withVisitor("{register: HoldingRegister, offset: 1, isswap: true}");
        driver.validate(device);
        assertThat(ConfigBinding.check(device, ModbusEndpoint.class, ModbusVisitor.class)).singleElement()
                .asString().startsWith("device plant/plc-1 property temperature visitors.configData: unknown key "
                        + "'isswap' is ignored (did you mean isSwap? known: register, offset, limit, scale, isSwap, "
                        + "isRegisterSwap, dataType)");
    }

    @Test
    void propertiesTouchingOrOverlappingShareOneRequest() {
        Device device = ModbusDevices.device(ENDPOINT,
                "a|INT|ReadOnly|{register: HoldingRegister, offset: 0, limit: 2}",
                "b|INT|ReadOnly|{register: HoldingRegister, offset: 2}",
                "c|INT|ReadOnly|{register: HoldingRegister, offset: 1}",
                "d|INT|ReadOnly|{register: HoldingRegister, offset: 4}",
                "e|INT|ReadOnly|{register: HoldingRegister, offset: 100, limit: 100}",
                "f|INT|ReadOnly|{register: HoldingRegister, offset: 199, limit: 30}");
        List<PropertyRequest> requests = PropertyRequest.of(device, null);
        List<ModbusHandler.Item> items = new java.util.ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            ModbusVisitor visitor = requests.get(i).configAs(ModbusVisitor.class);
            items.add(new ModbusHandler.Item(i, requests.get(i), visitor, "int"));
        }
        List<ModbusHandler.Span> spans = ModbusHandler.spans(RegisterType.HOLDING, items);
        assertThat(spans).extracting(s -> s.start() + "-" + s.end())
                .as("a gap (3..4) splits; 125 registers per request at most")
                .containsExactly("0-3", "4-5", "100-200", "199-229");
        assertThat(spans.get(0).items()).extracting(item -> item.request().name()).containsExactly("a", "c", "b");
    }
}
