package io.karedge.protocol.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriverContract.RecordingCallback;
import io.karedge.device.driver.PushingHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver against a real mosquitto on 127.0.0.1; the device is simulated with a Paho client. */
@Timeout(60)
class MqttMosquittoTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String[] PROPERTIES = {
        "temperature|FLOAT|ReadOnly|{}",
        "door|STRING|ReadOnly|{jsonPath: $.status.door}",
        "second|INT|ReadOnly|{jsonPath: '$.list[1]'}",
        "running|BOOLEAN|ReadOnly|{key: 'on'}",
        "battery|INT|ReadOnly|{topic: sensors/s1/battery, jsonPath: $.level}",
        "setpoint|FLOAT|ReadWrite|{key: target}",
    };

    private MosquittoBroker broker;
    private final MqttDriver driver = new MqttDriver();
    private final DeviceModel model = MqttDevices.model(PROPERTIES);
    private MqttClient deviceSide;

    @BeforeEach
    void startBroker() throws Exception {
        broker = MosquittoBroker.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (deviceSide != null) {
            if (deviceSide.isConnected()) {
                deviceSide.disconnectForcibly(1000);
            }
            deviceSide.close(true);
        }
        driver.deactivate();
        if (broker != null) {
            broker.close();
        }
    }

    private Device device(String extra) {
        return MqttDevices.device("{brokerURL: '" + broker.url() + "', topic: sensors/s1/state" + extra + "}",
                PROPERTIES);
    }

    private MqttClient simulatedDevice() throws Exception {
        MqttClient client = new MqttClient(broker.url(), "simulated-device", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(5);
        options.setAutomaticReconnect(false);
        client.connect(options);
        deviceSide = client;
        return client;
    }

    private static void publish(MqttClient client, String topic, String json) throws Exception {
        client.publish(topic, json.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static Map<String, String> lastValues(RecordingCallback callback) {
        return callback.values.stream().filter(PropertyValue::ok)
                .collect(Collectors.toMap(PropertyValue::property, PropertyValue::value, (a, b) -> b));
    }

    @Test
    void pushesWhatTheDevicePublishesAndReadsReturnTheLastValue() throws Exception {
        Device device = device("");
        driver.validate(device);
        RecordingCallback callback = new RecordingCallback();
        try (PushingHandler handler = (PushingHandler) driver.open(device, callback)) {
            List<PropertyRequest> requests = PropertyRequest.of(device, model);
            assertThat(handler.subscribe(requests)).hasSize(PROPERTIES.length);
            await().atMost(WAIT).until(() -> callback.states.contains(DeviceState.ONLINE));

            MqttClient sim = simulatedDevice();
            publish(sim, "sensors/s1/state", """
                    {"temperature": 21.50, "status": {"door": "open"}, "list": [1, 2.0, 3], "on": 1,
                     "ignored": {"x": 1}}""");
            publish(sim, "sensors/s1/battery", "{\"level\": 87}");
            await().atMost(WAIT).until(() -> lastValues(callback).size() == 5);
            assertThat(lastValues(callback)).containsEntry("temperature", "21.5").containsEntry("door", "open")
                    .containsEntry("second", "2").containsEntry("running", "true").containsEntry("battery", "87");

            publish(sim, "sensors/s1/state", "not json at all");
            publish(sim, "sensors/s1/state", "{\"temperature\": 22}");
            await().atMost(WAIT).until(() -> "22".equals(lastValues(callback).get("temperature")));

            List<PropertyValue> read = handler.read(requests);
            assertThat(read).extracting(PropertyValue::property)
                    .containsExactly("temperature", "door", "second", "running", "battery", "setpoint");
            assertThat(read).extracting(PropertyValue::value).containsExactly("22", "open", "2", "true", "87", null);
            assertThat(read.get(5).error()).contains("no value published yet on sensors/s1/state");

            publish(sim, "sensors/s1/state", "{\"temperature\": \"hot\"}");
            await().atMost(WAIT).until(() -> callback.values.stream().anyMatch(v -> !v.ok()));
            assertThat(handler.read(requests).get(0).error()).contains("'hot' is not a number");
        }
    }

    @Test
    void writesPublishOnTheCommandTopicWithQos1() throws Exception {
        Device device = device(", commandTopic: sensors/s1/set");
        RecordingCallback callback = new RecordingCallback();
        BlockingQueue<MqttMessage> commands = new LinkedBlockingQueue<>();
        MqttClient sim = simulatedDevice();
        sim.subscribe("sensors/s1/set", 1, (topic, message) -> commands.add(message));
        try (PushingHandler handler = (PushingHandler) driver.open(device, callback)) {
            List<PropertyRequest> requests = PropertyRequest.of(device, model);
            handler.subscribe(requests);
            await().atMost(WAIT).until(() -> callback.states.contains(DeviceState.ONLINE));
            PropertyRequest setpoint = requests.get(5);
            List<PropertyValue> written = handler.write(List.of(new PropertyWrite(setpoint, "22.5")));
            assertThat(written.get(0).value()).isEqualTo("22.5");
            MqttMessage command = commands.poll(10, TimeUnit.SECONDS);
            assertThat(command).isNotNull();
            assertThat(new String(command.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"setpoint\":\"22.5\"}");
            assertThat(command.getQos()).isEqualTo(1);
        }
    }

    @Test
    void writesWithoutCommandTopicFailTheProperty() throws Exception {
        Device device = device("");
        RecordingCallback callback = new RecordingCallback();
        try (PushingHandler handler = (PushingHandler) driver.open(device, callback)) {
            List<PropertyRequest> requests = PropertyRequest.of(device, model);
            handler.subscribe(requests);
            List<PropertyValue> written = handler.write(List.of(new PropertyWrite(requests.get(5), "1")));
            assertThat(written.get(0).ok()).isFalse();
            assertThat(written.get(0).error()).contains("no commandTopic");
        }
    }

    @Test
    void goesOfflineWhenTheBrokerStopsAndComesBackOnline() throws Exception {
        Device device = device(", keepAlive: 2");
        RecordingCallback callback = new RecordingCallback();
        try (PushingHandler handler = (PushingHandler) driver.open(device, callback)) {
            handler.subscribe(PropertyRequest.of(device, model));
            await().atMost(WAIT).until(() -> callback.states.contains(DeviceState.ONLINE));
            broker.stop();
            await().atMost(WAIT).until(() -> callback.states.contains(DeviceState.OFFLINE));
            callback.states.clear();
            broker.launch();
            await().atMost(Duration.ofSeconds(30)).until(() -> callback.states.contains(DeviceState.ONLINE));
            publish(simulatedDevice(), "sensors/s1/state", "{\"temperature\": 5}");
            await().atMost(WAIT).until(() -> "5".equals(lastValues(callback).get("temperature")));
        }
    }

    @Test
    void connectsOnceTheBrokerAppears() throws Exception {
        broker.stop();
        Device device = device("");
        RecordingCallback callback = new RecordingCallback();
        try (PushingHandler handler = (PushingHandler) driver.open(device, callback)) {
            handler.subscribe(PropertyRequest.of(device, model));
            await().atMost(WAIT).until(() -> callback.states.contains(DeviceState.OFFLINE));
            assertThat(callback.states).doesNotContain(DeviceState.ONLINE);
            broker.launch();
            await().atMost(Duration.ofSeconds(30)).until(() -> callback.states.contains(DeviceState.ONLINE));
        }
    }

    @Test
    void closeIsQuickAndStopsPushing() throws Exception {
        Device device = device("");
        RecordingCallback callback = new RecordingCallback();
        PushingHandler handler = (PushingHandler) driver.open(device, callback);
        handler.subscribe(PropertyRequest.of(device, model));
        await().atMost(WAIT).until(() -> callback.states.contains(DeviceState.ONLINE));
        long start = System.nanoTime();
        handler.close();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
        MqttClient sim = simulatedDevice();
        Thread.sleep(300);
        publish(sim, "sensors/s1/state", "{\"temperature\": 99}");
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                .until(() -> !lastValues(callback).containsKey("temperature"));
    }
}
