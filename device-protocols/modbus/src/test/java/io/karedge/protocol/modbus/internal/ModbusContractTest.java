package io.karedge.protocol.modbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolDriverContract;
import io.karedge.device.driver.StateDetail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SPI contract, with the valid device on a pymodbus server. */
@Timeout(60)
class ModbusContractTest extends ProtocolDriverContract {

    private static final String[] PROPERTIES = {
        "temperature|FLOAT|ReadOnly|{register: HoldingRegister, offset: 20, scale: 0.1}",
        "running|BOOLEAN|ReadWrite|{register: CoilRegister, offset: 0}",
    };
    private static PymodbusServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = PymodbusServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ProtocolDriver driver() {
        return new ModbusDriver();
    }

    @Override
    protected Device validDevice() {
        return ModbusDevices.device("{ip: 127.0.0.1, port: " + server.port() + ", slaveID: 1}", PROPERTIES);
    }

    @Override
    protected Device invalidDevice() {
        return ModbusDevices.device("{ip: 127.0.0.1, port: " + server.port() + "}",
                "temperature|FLOAT|ReadOnly|{register: HoldingRegister, offset: -4}");
    }

    @Override
    protected Device unreachableDevice() {
        return ModbusDevices.device("{ip: 127.0.0.1, port: " + closedPort() + ", slaveID: 1, timeout: 1000}",
                PROPERTIES);
    }

    @Test
    void aClosedPortIsACommunicationErrorThatSaysConnectionRefused() {
        Device device = unreachableDevice();
        DeviceHandler handler = driver().open(device, new RecordingCallback());
        try {
            assertThatThrownBy(() -> handler.read(PropertyRequest.of(device, model())))
                    .isInstanceOfSatisfying(DriverException.class, e -> {
                        assertThat(e.detail()).isEqualTo(StateDetail.COMMUNICATION_ERROR);
                        assertThat(e.getMessage()).startsWith("connection refused by 127.0.0.1:");
                    });
        } finally {
            handler.close();
        }
    }

    @Test
    void aBadRegisterTypeIsAConfigurationError() {
        Device device = ModbusDevices.device("{ip: 127.0.0.1, port: " + server.port() + "}",
                "temperature|FLOAT|ReadOnly|{register: HoldingRegisterz, offset: 4}");
        assertThatThrownBy(() -> driver().validate(device))
                .satisfies(e -> assertThat(StateDetail.of(e)).isEqualTo(StateDetail.CONFIGURATION_ERROR))
                .hasMessageContaining("register").hasMessageContaining("HoldingRegisterz");
    }

    @Override
    protected DeviceModel model() {
        return ModbusDevices.model(PROPERTIES);
    }
}
