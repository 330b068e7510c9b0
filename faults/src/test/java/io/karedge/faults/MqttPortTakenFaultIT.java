package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A stranger on the same machine holds the node's MQTT port while the node starts. The node starts anyway,
 * says that MQTT is down and why, and serves MQTT by itself once the port is free: no restart, no
 * configuration change.
 */
class MqttPortTakenFaultIT {

    private static final Pattern MQTT_UP = Pattern.compile("(?m)^karedge_mqtt_up\\{mode=\"embedded\"\\} (\\S+)$");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theBrokerListensOnceTheStrangerLetsGoOfItsPort() throws Exception {
        node = nodes.create("mqtt-port-taken");
        node.configure("io.karedge.eventbus", "bind.retry.ms", "500");
        Map<String, Object> figures = new LinkedHashMap<>();
        try (ServerSocket stranger = new ServerSocket()) {
            stranger.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.mqttPort()));
            figures.put("startSeconds", node.startWithoutMqtt().toMillis() / 1000.0);

            assertThat(node.countInLog("MQTT broker cannot listen on 127.0.0.1:" + node.mqttPort())).isEqualTo(1);
            assertThat(mqttUp()).as("karedge_mqtt_up while the port is taken").isEqualTo("0");
            Thread.sleep(1500); // a few retries: still one WARN line, no flood
            assertThat(node.countInLog("MQTT broker cannot listen on")).isEqualTo(1);
        }
        long freed = System.nanoTime();

        await("broker listening").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> "1".equals(mqttUp()));
        figures.put("listeningAfterFreedMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freed));
        assertThat(node.countInLog("MQTT broker listening on .*:" + node.mqttPort() + " after \\d+ failed attempt"))
                .isEqualTo(1);

        MqttClient app = new MqttClient(node.mqttUrl(), "late-app", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        app.connect(options);
        try {
            java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
            app.subscribe("plant/#", 1, (topic, message) ->
                    received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
            app.publish("plant/level", "42".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("42");
        } finally {
            app.disconnect();
            app.close();
        }
        FaultReport.line("mqtt-port-taken", "another process holds the MQTT port while the node starts, then frees it",
                "one start", 0, figures);
    }

    /** @return the value of {@code karedge_mqtt_up} as {@code /metrics} shows it, or null */
    private String mqttUp() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(node.request("/metrics").timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return null;
        }
        Matcher matcher = MQTT_UP.matcher(response.body());
        return matcher.find() ? matcher.group(1).replace(".0", "") : null;
    }
}
