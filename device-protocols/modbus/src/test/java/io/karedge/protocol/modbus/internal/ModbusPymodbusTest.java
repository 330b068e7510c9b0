package io.karedge.protocol.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriverContract.RecordingCallback;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver against pymodbus (modbus_server.py) on 127.0.0.1; the register contents are set there. */
@Timeout(60)
class ModbusPymodbusTest {

    private static final String[] PROPERTIES = {
        "int16|INT|ReadOnly|{register: HoldingRegister, offset: 0, limit: 1}",
        "negative|INT|ReadOnly|{register: HoldingRegister, offset: 1, limit: 1}",
        "int32|INT|ReadOnly|{register: HoldingRegister, offset: 2, limit: 2}",
        "float32|FLOAT|ReadOnly|{register: HoldingRegister, offset: 4, limit: 2}",
        "wordSwapped|FLOAT|ReadOnly|{register: HoldingRegister, offset: 6, limit: 2, isRegisterSwap: true}",
        "byteSwapped|INT|ReadOnly|{register: HoldingRegister, offset: 8, limit: 1, isSwap: true}",
        "float64|DOUBLE|ReadOnly|{register: HoldingRegister, offset: 10, limit: 4}",
        "text|STRING|ReadOnly|{register: HoldingRegister, offset: 14, limit: 2}",
        "scaled|FLOAT|ReadOnly|{register: HoldingRegister, offset: 20, limit: 1, scale: 0.1}",
        "bothSwaps|INT|ReadOnly|{register: HoldingRegister, offset: 22, limit: 2, isSwap: true, isRegisterSwap: true}",
        "int64|INT|ReadOnly|{register: HoldingRegister, offset: 40, limit: 4}",
        "input|INT|ReadOnly|{register: InputRegister, offset: 0}",
        "inputFloat|FLOAT|ReadOnly|{register: InputRegister, offset: 1, limit: 2}",
        "coilOn|BOOLEAN|ReadOnly|{register: CoilRegister, offset: 0}",
        "coilOff|BOOLEAN|ReadOnly|{register: CoilRegister, offset: 1}",
        "coilBits|STRING|ReadOnly|{register: CoilRegister, offset: 5, limit: 4}",
        "coilNumber|INT|ReadOnly|{register: CoilRegister, offset: 5, limit: 4}",
        "discreteOff|BOOLEAN|ReadOnly|{register: DiscreteInputRegister, offset: 0}",
        "discreteOn|BOOLEAN|ReadOnly|{register: DiscreteInputRegister, offset: 1}",
        "nowhere|INT|ReadOnly|{register: HoldingRegister, offset: 5000}",
        "setpoint|INT|ReadWrite|{register: HoldingRegister, offset: 30, scale: 0.5}",
        "setpointRaw|INT|ReadOnly|{register: HoldingRegister, offset: 30}",
        "limitValue|FLOAT|ReadWrite|{register: HoldingRegister, offset: 32, limit: 2, isRegisterSwap: true}",
        "limitValueRaw|INT|ReadOnly|{register: HoldingRegister, offset: 32, limit: 2}",
        "relay|BOOLEAN|ReadWrite|{register: CoilRegister, offset: 10}",
        "lamps|INT|ReadWrite|{register: CoilRegister, offset: 20, limit: 3}",
        "lampBits|STRING|ReadOnly|{register: CoilRegister, offset: 20, limit: 3}",
    };

    private static PymodbusServer server;
    private static Device device;
    private static DeviceModel model;

    @BeforeAll
    static void startServer() throws Exception {
        server = PymodbusServer.start();
        device = ModbusDevices.device("{ip: 127.0.0.1, port: " + server.port() + ", slaveID: 1, timeout: 2000}",
                PROPERTIES);
        model = ModbusDevices.model(PROPERTIES);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, PropertyValue> read(DeviceHandler handler, String... names) throws DriverException {
        List<PropertyRequest> requests = PropertyRequest.of(device, model).stream()
                .filter(r -> names.length == 0 || List.of(names).contains(r.name())).toList();
        List<PropertyValue> values = handler.read(requests);
        assertThat(values).extracting(PropertyValue::property)
                .containsExactlyElementsOf(requests.stream().map(PropertyRequest::name).toList());
        return values.stream().collect(Collectors.toMap(PropertyValue::property, Function.identity(), (a, b) -> a,
                LinkedHashMap::new));
    }

    private static PropertyRequest request(String name) {
        return PropertyRequest.of(device, model).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void readsEveryTableAndLayout() throws Exception {
        ModbusDriver driver = new ModbusDriver();
        driver.validate(device);
        try (DeviceHandler handler = driver.open(device, new RecordingCallback())) {
            Map<String, PropertyValue> values = read(handler);
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("int16", "1234");
            expected.put("negative", "-2");
            expected.put("int32", "123456");
            expected.put("float32", "21.5");
            expected.put("wordSwapped", "21.5");
            expected.put("byteSwapped", "4660");
            expected.put("float64", "3.14159");
            expected.put("text", "ABCD");
            expected.put("scaled", "25");
            expected.put("bothSwaps", "-100000");
            expected.put("int64", "-9000000000");
            expected.put("input", "321");
            expected.put("inputFloat", "-1.25");
            expected.put("coilOn", "true");
            expected.put("coilOff", "false");
            expected.put("coilBits", "1011");
            expected.put("coilNumber", "13");
            expected.put("discreteOff", "false");
            expected.put("discreteOn", "true");
            expected.forEach((name, value) -> assertThat(values.get(name).value()).as(name).isEqualTo(value));
            assertThat(values.get("float32").type()).isEqualTo("float");
            assertThat(values.get("nowhere").ok()).isFalse();
            assertThat(values.get("nowhere").error()).contains("nowhere").contains("refused");
        }
    }

    @Test
    void writesHoldingRegistersAndCoilsAndReadsThemBack() throws Exception {
        try (DeviceHandler handler = new ModbusDriver().open(device, new RecordingCallback())) {
            List<PropertyValue> written = handler.write(List.of(
                    new PropertyWrite(request("setpoint"), "42"),
                    new PropertyWrite(request("limitValue"), "-7.75"),
                    new PropertyWrite(request("relay"), "true"),
                    new PropertyWrite(request("lamps"), "5")));
            assertThat(written).extracting(PropertyValue::value).containsExactly("42", "-7.75", "true", "5");

            Map<String, PropertyValue> values = read(handler, "setpoint", "setpointRaw", "limitValue", "limitValueRaw",
                    "relay", "lamps", "lampBits");
            assertThat(values.get("setpointRaw").value()).as("42 / scale 0.5").isEqualTo("84");
            assertThat(values.get("setpoint").value()).isEqualTo("42");
            assertThat(values.get("limitValue").value()).isEqualTo("-7.75");
            assertThat(values.get("limitValueRaw").value()).as("-7.75f = 0xC0F80000, low word first")
                    .isEqualTo(Integer.toString(0x0000C0F8));
            assertThat(values.get("relay").value()).isEqualTo("true");
            assertThat(values.get("lampBits").value()).isEqualTo("101");

            List<PropertyValue> off = handler.write(List.of(new PropertyWrite(request("relay"), "false")));
            assertThat(off.get(0).value()).isEqualTo("false");
        }
    }

    @Test
    void badWritesFailOnlyTheirProperty() throws Exception {
        try (DeviceHandler handler = new ModbusDriver().open(device, new RecordingCallback())) {
            List<PropertyValue> written = handler.write(List.of(
                    new PropertyWrite(request("input"), "1"),
                    new PropertyWrite(request("setpoint"), "warm"),
                    new PropertyWrite(request("nowhere"), "1"),
                    new PropertyWrite(request("setpoint"), "10")));
            assertThat(written.get(0).error()).contains("InputRegister is read-only");
            assertThat(written.get(1).error()).contains("'warm' is not a number");
            assertThat(written.get(2).error()).contains("refused the write");
            assertThat(written.get(3).value()).isEqualTo("10");
        }
    }

    @Test
    void reconnectsAfterTheServerComesBack() throws Exception {
        try (PymodbusServer own = PymodbusServer.start()) {
            Device single = ModbusDevices.device("{ip: 127.0.0.1, port: " + own.port() + ", timeout: 1000}",
                    PROPERTIES[0]);
            List<PropertyRequest> requests = PropertyRequest.of(single, ModbusDevices.model(PROPERTIES[0]));
            RecordingCallback callback = new RecordingCallback();
            try (DeviceHandler handler = new ModbusDriver().open(single, callback)) {
                assertThat(handler.read(requests).get(0).value()).isEqualTo("1234");
                assertThat(callback.reconnects).as("the first connection is no reconnect").isEmpty();
                own.stop();
                long start = System.nanoTime();
                assertThatThrownBy(() -> handler.read(requests)).isInstanceOf(DriverException.class);
                assertThatThrownBy(() -> handler.read(requests)).isInstanceOf(DriverException.class)
                        .hasMessageContaining("connection refused by 127.0.0.1:");
                assertThat((System.nanoTime() - start) / 1_000_000).as("failures are bounded by the timeout")
                        .isLessThan(5000);
                own.launch();
                assertThat(handler.read(requests).get(0).value()).isEqualTo("1234");
                assertThat(callback.reconnects).singleElement().asString().startsWith("reconnected to");
            }
        }
    }
}
