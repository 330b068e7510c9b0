package io.karedge.protocol.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MqttValidateTest {

    private final MqttDriver driver = new MqttDriver();

    @AfterEach
    void stop() {
        driver.deactivate();
    }

    private static Device withProtocol(String configData) {
        return MqttDevices.device(configData, "temperature|FLOAT|ReadOnly|{}");
    }

    private static Device withVisitor(String configData) {
        return MqttDevices.device("{brokerURL: 'tcp://127.0.0.1:1883', topic: dev/state}",
                "temperature|FLOAT|ReadOnly|" + configData);
    }

    @Test
    void acceptsAFullDevice() {
        driver.validate(MqttDevices.device("{brokerURL: 'tcp://127.0.0.1:1883', clientID: c1, username: u, "
                        + "password: p, topic: 'plant/+/state', commandTopic: plant/s1/set, qos: 0, timeout: 2000, "
                        + "keepAlive: 10}",
                "temperature|FLOAT|ReadOnly|{jsonPath: $.sensors.temperature}",
                "door|STRING|ReadOnly|{key: door_state}",
                "humidity|FLOAT|ReadOnly|{}",
                "battery|INT|ReadOnly|{topic: plant/s1/battery, dataType: int}"));
        MqttSettings settings = MqttSettings.parse("x", withProtocol("{brokerURL: 'ssl://broker:8883', topic: t}")
                .spec().protocol().configData());
        assertThat(settings.qos()).isEqualTo(1);
        assertThat(settings.timeoutMillis()).isEqualTo(3000);
        assertThat(settings.commandTopic()).isNull();
        assertThat(new MqttSettings("tcp://h:1", null, "u", "secret", "t", null, 1, 1, 1).toString())
                .doesNotContain("secret");
    }

    @Test
    void brokerUrlIsRequiredAndChecked() {
        assertThatThrownBy(() -> driver.validate(withProtocol("{topic: t}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device plant/sensor-1 protocol configData: brokerURL is missing (for example "
                        + "tcp://127.0.0.1:1883)");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'http://h:1883', topic: t}")))
                .hasMessageContaining("must start with one of tcp://, ssl://, ws://, wss://");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://', topic: t}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topicsAreChecked() {
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://h:1883'}")))
                .hasMessageContaining("property temperature").hasMessageContaining("no topic");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://h:1883', topic: t, "
                + "commandTopic: 'set/#'}"))).hasMessageContaining("commandTopic 'set/#' is not a valid MQTT topic");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://h:1883', topic: 'a/#/b'}")))
                .hasMessageContaining("topic 'a/#/b'");
    }

    @Test
    void otherMistakesAreNamed() {
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://h:1883', topic: t, qos: 3}")))
                .hasMessageContaining("qos must be between 0 and 2");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://h:1883', topic: t, password: p}")))
                .hasMessageContaining("password given without username");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerUrl: 'tcp://h:1883', topic: t}")))
                .hasMessageContaining("unknown setting 'brokerUrl'");
        assertThatThrownBy(() -> driver.validate(withVisitor("{jsonPath: $.a, key: a}")))
                .hasMessageContaining("set jsonPath or key, not both");
        assertThatThrownBy(() -> driver.validate(withVisitor("{jsonPath: '$.a[*]'}")))
                .hasMessageContaining("property temperature visitors.configData: jsonPath '$.a[*]'");
        assertThatThrownBy(() -> driver.validate(withVisitor("{jsonpath: $.a}")))
                .hasMessageContaining("unknown setting 'jsonpath'");
        assertThatThrownBy(() -> driver.validate(withVisitor("{dataType: number}")))
                .hasMessageContaining("unknown dataType 'number'");
    }
}
