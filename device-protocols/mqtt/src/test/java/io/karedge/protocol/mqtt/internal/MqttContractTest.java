package io.karedge.protocol.mqtt.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolDriverContract;
import org.junit.jupiter.api.AfterEach;

/** The SPI contract; reads return the last value seen, so no broker is needed (the port is never opened). */
class MqttContractTest extends ProtocolDriverContract {

    private static final String[] PROPERTIES = {"temperature|FLOAT|ReadOnly|{jsonPath: $.t}", "door|STRING|ReadOnly|{}"};
    private final MqttDriver driver = new MqttDriver();

    @AfterEach
    void stop() {
        driver.deactivate();
    }

    @Override
    protected ProtocolDriver driver() {
        return driver;
    }

    @Override
    protected Device validDevice() {
        return MqttDevices.device("{brokerURL: 'tcp://127.0.0.1:1', topic: dev/state}", PROPERTIES);
    }

    @Override
    protected Device invalidDevice() {
        return MqttDevices.device("{topic: dev/state}", PROPERTIES);
    }

    @Override
    protected Device unreachableDevice() {
        return MqttDevices.device("{brokerURL: 'tcp://127.0.0.1:" + closedPort() + "', topic: dev/state}", PROPERTIES);
    }

    @Override
    protected DeviceModel model() {
        return MqttDevices.model(PROPERTIES);
    }
}
