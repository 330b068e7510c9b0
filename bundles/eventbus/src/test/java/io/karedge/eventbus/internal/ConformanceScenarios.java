package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MQTT 3.1.1 broker behaviour, scenario by scenario, named after the scenarios of the Eclipse Paho
 * interoperability client tests ({@code test_basic}, {@code test_retained_messages} ...). Written for this
 * project; run against the embedded broker ({@link EmbeddedConformanceTest}) and against Debian's mosquitto
 * as the reference ({@link MosquittoConformanceTest}), with the same ACL file: anonymous clients may use every
 * topic except {@code test/nosubscribe}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ConformanceScenarios {

    static final List<String> ACL = List.of(
            "topic readwrite #",
            "topic readwrite $test/#",
            "topic deny test/nosubscribe");

    /** @return the port of the broker under test */
    abstract int port();

    static Path writeAcl(Path dir) throws java.io.IOException {
        return Files.write(dir.resolve("conformance.acl"), ACL);
    }

    String url() {
        return "tcp://127.0.0.1:" + port();
    }

    @Test
    void test_basic() throws Exception {
        try (PahoClient client = new PahoClient(url(), "basic")) {
            client.subscribe("TopicA", 2);
            for (int qos = 0; qos < 3; qos++) {
                client.publish("TopicA", bytes("qos " + qos), qos).waitForCompletion(10_000);
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(client.next().text());
            }
            assertThat(got).containsExactlyInAnyOrder("qos 0", "qos 1", "qos 2");
        }
    }

    @Test
    void test_retained_messages() throws Exception {
        try (PahoClient client = new PahoClient(url(), "retain")) {
            client.client.publish("TopicA/B", bytes("qos 0"), 0, true).waitForCompletion(10_000);
            client.client.publish("Topic/C", bytes("qos 1"), 1, true).waitForCompletion(10_000);
            client.client.publish("TopicA/C", bytes("qos 2"), 2, true).waitForCompletion(10_000);
            Thread.sleep(200);
            client.subscribe("+/+", 2);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                PahoClient.Received received = client.next();
                assertThat(received.message().isRetained()).isTrue();
                got.add(received.topic());
            }
            assertThat(got).containsExactlyInAnyOrder("TopicA/B", "Topic/C", "TopicA/C");
            for (String topic : List.of("TopicA/B", "Topic/C", "TopicA/C")) {
                client.client.publish(topic, new byte[0], 1, true).waitForCompletion(10_000);
            }
        }
        try (PahoClient client = new PahoClient(url(), "retain-cleared")) {
            client.subscribe("+/+", 2);
            assertThat(client.poll(500)).isNull();
        }
    }

    @Test
    void test_will_message() throws Exception {
        try (PahoClient watcher = new PahoClient(url(), "will-watcher")) {
            watcher.subscribe("TopicA/will", 2);
            RawMqttClient dying = new RawMqttClient(port());
            dying.connectWithWill("will-client", 60, "TopicA/will", "client not disconnected");
            dying.close(); // no DISCONNECT
            assertThat(watcher.next().text()).isEqualTo("client not disconnected");
        }
    }

    @Test
    void test_zero_length_clientid() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(port())) {
            assertThat(raw.connect("", true, 60, null, null).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
        try (RawMqttClient raw = new RawMqttClient(port())) {
            assertThat(raw.connect("", false, 60, null, null).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        }
    }

    @Test
    void test_offline_message_queueing() throws Exception {
        try (PahoClient away = new PahoClient(url(), "offline-sub", persistent())) {
            away.subscribe("offline/#", 2);
        }
        try (PahoClient publisher = new PahoClient(url(), "offline-pub")) {
            for (int qos = 0; qos < 3; qos++) {
                publisher.publish("offline/a", bytes("qos " + qos), qos).waitForCompletion(10_000);
            }
        }
        try (PahoClient back = new PahoClient(url(), "offline-sub", persistent())) {
            assertThat(back.connectToken.getSessionPresent()).isTrue();
            List<String> got = new ArrayList<>();
            PahoClient.Received received;
            while ((received = back.poll(2000)) != null) {
                got.add(received.text());
            }
            // QoS 0 may be dropped for an absent client; mosquitto and Karedge both do
            assertThat(got).contains("qos 1", "qos 2").hasSizeBetween(2, 3);
        }
        new PahoClient(url(), "offline-sub").close(); // a clean connect ends the session
    }

    @Test
    void test_overlapping_subscriptions() throws Exception {
        try (PahoClient client = new PahoClient(url(), "overlap")) {
            client.subscribe("overlap/#", 2);
            client.subscribe("overlap/+", 1);
            client.publish("overlap/C", bytes("overlapping"), 2).waitForCompletion(10_000);
            PahoClient.Received first = client.next();
            PahoClient.Received second = client.poll(500);
            // one delivery at the highest QoS, or one per subscription at each one's QoS
            if (second == null) {
                assertThat(first.message().getQos()).isEqualTo(2);
            } else {
                assertThat(List.of(first.message().getQos(), second.message().getQos())).containsExactlyInAnyOrder(1, 2);
            }
        }
    }

    @Test
    void test_keepalive() throws Exception {
        try (PahoClient watcher = new PahoClient(url(), "keepalive-watcher")) {
            watcher.subscribe("keepalive/will", 2);
            try (RawMqttClient silent = new RawMqttClient(port())) {
                silent.connectWithWill("keepalive-client", 2, "keepalive/will", "keepalive expiry");
                // never pings: the broker closes it after 1.5 x 2 s and publishes the will
                assertThat(watcher.next().text()).isEqualTo("keepalive expiry");
                assertThat(silent.closedWithin(5000)).isTrue();
            }
        }
    }

    @Test
    void test_redelivery_on_reconnect() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(port())) {
            raw.connect("redelivery", false, 60, null, null);
            raw.subscribe("redelivery/#", 2, 1);
            raw.expect(MqttMessageType.SUBACK);
            try (PahoClient publisher = new PahoClient(url(), "redelivery-pub")) {
                publisher.publish("redelivery/a", bytes("qos 1"), 1).waitForCompletion(10_000);
                publisher.publish("redelivery/a", bytes("qos 2"), 2).waitForCompletion(10_000);
            }
            ((MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH)).release();
            ((MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH)).release();
            // neither acknowledged
        }
        try (RawMqttClient raw = new RawMqttClient(port())) {
            assertThat(raw.connect("redelivery", false, 60, null, null).variableHeader().isSessionPresent()).isTrue();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                MqttPublishMessage again = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH);
                assertThat(again.fixedHeader().isDup()).isTrue();
                got.add(RawMqttClient.text(again));
                raw.ack(again.fixedHeader().qosLevel().value() == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC,
                        again.variableHeader().packetId());
                again.release();
            }
            assertThat(got).containsExactlyInAnyOrder("qos 1", "qos 2");
        }
        try (RawMqttClient raw = new RawMqttClient(port())) {
            raw.connect("redelivery", true, 60, null, null);
        }
    }

    @Test
    void test_subscribe_failure() throws Exception {
        try (PahoClient client = new PahoClient(url(), "subfail")) {
            IMqttToken token = client.client.subscribe("test/nosubscribe", 2);
            token.waitForCompletion(10_000);
            assertThat(token.getGrantedQos()).containsExactly(0x80);
        }
    }

    @Test
    void test_dollar_topics() throws Exception {
        try (PahoClient client = new PahoClient(url(), "dollar")) {
            client.subscribe("+/+", 2);
            client.subscribe("#", 2);
            client.publish("$test/x", bytes("dollar"), 1).waitForCompletion(10_000);
            assertThat(client.poll(700)).isNull();
            client.subscribe("$test/#", 2);
            client.publish("$test/x", bytes("dollar"), 1).waitForCompletion(10_000);
            assertThat(client.next().topic()).isEqualTo("$test/x");
        }
    }

    @Test
    void test_unsubscribe() throws Exception {
        try (PahoClient client = new PahoClient(url(), "unsub")) {
            client.subscribe("unsub/B", 2);
            client.subscribe("unsub/C", 2);
            client.subscribe("unsub/D", 2);
            client.client.unsubscribe("unsub/B").waitForCompletion(10_000);
            for (String topic : List.of("unsub/B", "unsub/C", "unsub/D")) {
                client.publish(topic, bytes(topic), 1).waitForCompletion(10_000);
            }
            List<String> got = new ArrayList<>();
            got.add(client.next().topic());
            got.add(client.next().topic());
            assertThat(got).containsExactlyInAnyOrder("unsub/C", "unsub/D");
            assertThat(client.poll(500)).isNull();
        }
    }

    static MqttConnectOptions persistent() {
        MqttConnectOptions options = PahoClient.options();
        options.setCleanSession(false);
        return options;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
