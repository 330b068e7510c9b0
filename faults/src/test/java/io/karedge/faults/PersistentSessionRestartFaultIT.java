package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A subscriber with a persistent session (cleanSession=0) that is away while QoS 1 messages are published
 * gets every one the broker acknowledged, after a clean stop and start of the node and after a kill -9 and
 * start: the session journal under data/karedge is on disk before the publisher's PUBACK.
 */
class PersistentSessionRestartFaultIT {

    private static final int MESSAGES = 50;

    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void messagesPublishedWhileTheSubscriberIsAwayOutliveAStopAndAKill() throws Exception {
        node = nodes.create("session-restart");
        node.start();
        try (Subscriber subscriber = new Subscriber(node)) {
            subscriber.client.subscribe("plant/#", 1).waitForCompletion(10_000);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        publish("stop", MESSAGES);
        node.stop();
        node.start();
        figures.put("afterStop", receiveAll("stop"));
        publish("kill", MESSAGES);
        node.kill9();
        node.start();
        figures.put("afterKill", receiveAll("kill"));
        FaultReport.line("session-restart", "a persistent session away, then a clean stop and a kill -9",
                MESSAGES + " QoS 1 messages each time", 0, figures);
    }

    private void publish(String round, int count) throws Exception {
        MqttAsyncClient publisher = new MqttAsyncClient(node.mqttUrl(), "publisher", new MemoryPersistence());
        publisher.connect(options(true)).waitForCompletion(10_000);
        List<IMqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tokens.add(publisher.publish("plant/" + round, (round + "-" + i).getBytes(StandardCharsets.UTF_8), 1,
                    false));
        }
        for (IMqttDeliveryToken token : tokens) {
            token.waitForCompletion(10_000); // PUBACK: the broker has it
        }
        publisher.disconnect().waitForCompletion(10_000);
        publisher.close();
    }

    /** @return how many messages of the round arrived (all, or the test fails) */
    private int receiveAll(String round) throws Exception {
        try (Subscriber subscriber = new Subscriber(node)) {
            assertThat(subscriber.sessionPresent).as("session present after the restart").isTrue();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String text = subscriber.received.poll(20, TimeUnit.SECONDS);
                assertThat(text).as("message %d of %s", i, round).isNotNull();
                got.add(text);
            }
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(got).contains(round + "-" + i);
            }
            return got.size();
        }
    }

    private static MqttConnectOptions options(boolean clean) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setMaxInflight(1000);
        options.setConnectionTimeout(10);
        return options;
    }

    private static final class Subscriber implements AutoCloseable, MqttCallback {
        final MqttAsyncClient client;
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final boolean sessionPresent;

        Subscriber(KaredgeNode node) throws Exception {
            client = new MqttAsyncClient(node.mqttUrl(), "away-subscriber", new MemoryPersistence());
            client.setCallback(this);
            IMqttToken connected = client.connect(options(false));
            connected.waitForCompletion(10_000);
            sessionPresent = connected.getSessionPresent();
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        @Override
        public void close() throws Exception {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
    }
}
