package io.karedge.protocol.opcua.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolDriverContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The SPI contract, against an OPC UA server on Milo's server SDK in the test's JVM. */
class OpcUaContractTest extends ProtocolDriverContract {

    private static final String[] PROPERTIES = {"temperature|DOUBLE|ReadOnly|{nodeID: 'ns=2;s=Temperature'}",
        "setpoint|DOUBLE|ReadWrite|{nodeID: 'ns=2;s=Setpoint', browseName: Setpoint}"};
    private static MiloTestServer server;

    @TempDir
    Path pki;
    private OpcUaDriver driver;

    @BeforeAll
    static void startServer() throws Exception {
        server = MiloTestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.deactivate();
        }
    }

    @Override
    protected ProtocolDriver driver() {
        if (driver == null) {
            driver = new OpcUaDriver(pki, false);
        }
        return driver;
    }

    @Override
    protected Device validDevice() {
        return OpcUaDevices.device("line-1", "{url: '" + server.url() + "'}", PROPERTIES);
    }

    @Override
    protected Device invalidDevice() {
        return OpcUaDevices.device("line-1", "{url: 'http://127.0.0.1:1'}", PROPERTIES);
    }

    @Override
    protected Device unreachableDevice() {
        return OpcUaDevices.device("line-9", "{url: 'opc.tcp://127.0.0.1:" + closedPort() + "/karedge', timeout: 1000}",
                PROPERTIES);
    }

    @Override
    protected DeviceModel model() {
        return OpcUaDevices.model(PROPERTIES);
    }
}
