package io.karedge.protocol.modbus.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolDriverContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    @Override
    protected DeviceModel model() {
        return ModbusDevices.model(PROPERTIES);
    }
}
