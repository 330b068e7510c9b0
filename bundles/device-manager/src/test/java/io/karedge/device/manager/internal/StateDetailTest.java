package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.StateDetail;
import io.karedge.device.driver.StubProtocolDriver;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.protocol.modbus.internal.ModbusDriver;
import io.karedge.protocol.virtual.internal.VirtualDriver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reason kept with each device state: its detail from validate, reads and the driver's own reports. */
class StateDetailTest {

    private static final String STUB_PROPS = """
            - {name: temperature, collectCycle: 100, reportCycle: 100, reportToCloud: true,
               visitors: {protocolName: stub, configData: {value: "21.5"}}}
            """;

    private final Fixture fixture = new Fixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aConfigurationRefusedByValidateIsAConfigurationError() {
        fixture.addDriver("stub", new StubProtocolDriver().rejectValidation("configData.value is required"), 0);
        fixture.put(Fixture.device("bad", "stub", STUB_PROPS));

        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.component.device("bad").isPresent()
                && fixture.device("bad").state() == DeviceRunState.ERROR);
        DeviceInfo bad = fixture.device("bad");
        assertThat(bad.detail()).isEqualTo(StateDetail.CONFIGURATION_ERROR);
        assertThat(bad.reasonText()).isEqualTo("configuration error: invalid configData: configData.value is required");
        assertThat(fixture.twin.states("default/bad")).containsExactly("unhealthy");
    }

    @Test
    void aFailedReadCarriesTheDriversDetailUntilAReadSucceeds() {
        StubProtocolDriver stub = new StubProtocolDriver()
                .failReads(StateDetail.COMMUNICATION_ERROR, "connection refused by 127.0.0.1:9");
        fixture.addDriver("stub", stub, 0);
        fixture.put(Fixture.device("plc", "stub", STUB_PROPS));

        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.component.device("plc").isPresent()
                && fixture.device("plc").state() == DeviceRunState.OFFLINE);
        assertThat(fixture.device("plc").detail()).isEqualTo(StateDetail.COMMUNICATION_ERROR);
        assertThat(fixture.device("plc").reasonText()).isEqualTo("communication error: connection refused by 127.0.0.1:9");
        assertThat(fixture.device("plc").lastError()).isEqualTo("read failed: connection refused by 127.0.0.1:9");
        assertThat(fixture.twin.states("default/plc")).containsExactly("offline");

        stub.failReads(StateDetail.AUTHENTICATION_ERROR, "the server refused user operator");
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.device("plc").detail() == StateDetail.AUTHENTICATION_ERROR);
        assertThat(fixture.device("plc").reasonText()).isEqualTo("authentication error: the server refused user operator");

        stub.failReads(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.device("plc").state() == DeviceRunState.ONLINE);
        assertThat(fixture.device("plc").detail()).isEqualTo(StateDetail.NONE);
        assertThat(fixture.device("plc").reasonText()).doesNotContain("error");
    }

    @Test
    void aReportedStateKeepsItsDetailAndAReportWithoutOneGetsTheDefault() {
        StubProtocolDriver stub = new StubProtocolDriver();
        fixture.addDriver("stub", stub, 0);
        fixture.put(Fixture.device("srv", "stub", STUB_PROPS));
        await().atMost(Duration.ofSeconds(5)).until(() -> !stub.handlers.isEmpty()
                && fixture.device("srv").state() == DeviceRunState.ONLINE);
        var callback = stub.handlers.get(0).callback();

        callback.reportState(DeviceState.OFFLINE, StateDetail.BUSY, "the server has too many sessions");
        assertThat(fixture.device("srv").state()).isEqualTo(DeviceRunState.OFFLINE);
        assertThat(fixture.device("srv").reasonText()).isEqualTo("busy: the server has too many sessions");

        callback.reportState(DeviceState.OFFLINE, "broker gone");
        assertThat(fixture.device("srv").reasonText()).isEqualTo("communication error: broker gone");

        callback.reportState(DeviceState.ONLINE, StateDetail.COMMUNICATION_ERROR, "connected");
        assertThat(fixture.device("srv").detail()).as("online has nothing to explain").isEqualTo(StateDetail.NONE);
    }

    /** The example, with the real Modbus driver: a closed port on loopback, and a bad register type. */
    @Test
    void aModbusDeviceOnAClosedPortIsACommunicationErrorAndABadRegisterTypeAConfigurationError() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        fixture.addDriver("modbus", new ModbusDriver(), 0);
        fixture.put(modbusDevice("refused", closed, "HoldingRegister"));
        fixture.put(modbusDevice("typo", closed, "HoldingRegisterz"));

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.component.device("refused").isPresent()
                && fixture.component.device("typo").isPresent()
                && fixture.device("refused").state() == DeviceRunState.OFFLINE
                && fixture.device("typo").state() == DeviceRunState.ERROR);
        assertThat(fixture.device("refused").reasonText())
                .isEqualTo("communication error: connection refused by 127.0.0.1:" + closed);
        assertThat(fixture.device("typo").detail()).isEqualTo(StateDetail.CONFIGURATION_ERROR);
        assertThat(fixture.device("typo").reasonText())
                .startsWith("configuration error: invalid configData: ").contains("HoldingRegisterz");
    }

    private static String modbusDevice(String name, int port, String register) {
        return """
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: %s, namespace: default}
                spec:
                  protocol: {protocolName: modbus, configData: {ip: 127.0.0.1, port: %d, slaveID: 1, timeout: 1000}}
                  properties:
                    - {name: level, collectCycle: 200, visitors: {protocolName: modbus,
                       configData: {register: %s, offset: 4}}}
                """.formatted(name, port, register);
    }

    @Test
    void aCrashIsADriverErrorAndAHangATimeout() {
        fixture.addDriver("virtual", new VirtualDriver(), 0);
        String counter = """
                - {name: count, collectCycle: 100, reportToCloud: true, visitors: {protocolName: virtual, configData: {generator: counter}}}
                """;
        fixture.put(Fixture.device("crashing", "virtual", counter).replace("protocolName: virtual}",
                "protocolName: virtual, configData: {fail: throw}}"));
        fixture.put(Fixture.device("hanging", "virtual", counter).replace("protocolName: virtual}",
                "protocolName: virtual, configData: {fail: hang}}"));
        fixture.put(Fixture.device("silent", "virtual", counter).replace("protocolName: virtual}",
                "protocolName: virtual, configData: {fail: offline}}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.component.device("silent").isPresent()
                && fixture.device("crashing").state() == DeviceRunState.OFFLINE
                && fixture.device("hanging").state() == DeviceRunState.OFFLINE
                && fixture.device("silent").state() == DeviceRunState.OFFLINE);
        assertThat(fixture.device("crashing").detail()).isEqualTo(StateDetail.DRIVER_ERROR);
        assertThat(fixture.device("hanging").detail()).isEqualTo(StateDetail.TIMEOUT);
        assertThat(fixture.device("silent").reasonText()).startsWith("communication error: device does not answer");
    }
}
