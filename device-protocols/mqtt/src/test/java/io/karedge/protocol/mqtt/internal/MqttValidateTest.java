package io.karedge.protocol.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.karedge.api.device.Device;
import io.karedge.device.driver.ConfigBinding;
import java.time.Duration;
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
        MqttSettings settings = ConfigBinding.protocolConfigAs(
                withProtocol("{brokerURL: 'ssl://broker:8883', topic: t}"), MqttSettings.class);
        assertThat(settings.qos()).isEqualTo(1);
        assertThat(settings.timeoutMillis()).isEqualTo(3000);
        assertThat(settings.keepAliveSeconds()).isEqualTo(30);
        assertThat(settings.commandTopic()).isNull();
        MqttSettings strings = ConfigBinding.protocolConfigAs(withProtocol("{brokerURL: 'tcp://h:1883', topic: t, "
                + "qos: '2', timeout: '5s', keepAlive: '15'}"), MqttSettings.class);
        assertThat(strings.qos()).isEqualTo(2);
        assertThat(strings.timeoutMillis()).isEqualTo(5000);
        assertThat(strings.keepAliveSeconds()).isEqualTo(15);
        assertThat(new MqttSettings("tcp://h:1", null, "u", "secret", "t", null, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1)).toString())
                .doesNotContain("secret");
    }

    @Test
    void brokerUrlIsRequiredAndChecked() {
        assertThatThrownBy(() -> driver.validate(withProtocol("{topic: t}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device plant/sensor-1 protocol configData: brokerURL is missing (for example "
                        + "tcp://127.0.0.1:1883)");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'http://h:1883', topic: t}")))
                .hasMessageContaining("brokerURL must start with one of tcp://, ssl://, ws://, wss://, not 'http://h:1883'");
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
                .hasMessage("device plant/sensor-1 protocol configData: qos must be a whole number between 0 and 2, not '3'");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://h:1883', topic: t, password: p}")))
                .hasMessageContaining("password given without username");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerUrl: 'tcp://h:1883', topic: t}")))
                .hasMessageContaining("brokerURL is missing").hasMessageContaining("'brokerUrl' is given, but keys are "
                        + "case-sensitive");
        assertThatThrownBy(() -> driver.validate(withVisitor("{jsonPath: $.a, key: a}")))
                .hasMessageContaining("set jsonPath or key, not both");
        assertThatThrownBy(() -> driver.validate(withVisitor("{jsonPath: '$.a[*]'}")))
                .hasMessageContaining("property temperature visitors.configData: jsonPath '$.a[*]'");
        assertThatThrownBy(() -> driver.validate(withProtocol("{brokerURL: 'tcp://h:1883', topic: t, timeout: 50}")))
                .hasMessageContaining("timeout must be a duration (a number of milliseconds or a number with a unit: "
                        + "500ms, 5s, 2m, 1h) between 100 and 120000 milliseconds, not '50'");
        assertThatThrownBy(() -> driver.validate(withVisitor("{dataType: number}")))
                .hasMessageContaining("dataType must be one of int, float, double, boolean, string, bytes, not 'number'");
    }

    @Test
    void aMisspelledKeyIsAWarningNamingTheKeyAndTheDevice() {
        Device device = withVisitor("{jsonpath: $.a}");
        driver.validate(device);
        assertThat(ConfigBinding.check(device, MqttSettings.class, MqttVisitor.Settings.class)).containsExactly(
                "device plant/sensor-1 property temperature visitors.configData: unknown key 'jsonpath' is ignored "
                        + "(did you mean jsonPath? known: jsonPath, key, topic, dataType)");
    }
}
