package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.device.PushMethod;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MQTT push targets against a real mosquitto on 127.0.0.1. An observer with a durable session (clean session
 * off, QoS 1 subscription) records what the broker received, including what it received while the observer was
 * away, so that the order of everything published can be checked.
 */
class MqttPushTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOPIC = "karedge/push/temperature";

    private Mosquitto broker;
    private Observer observer;
    private PushTargets targets;

    @BeforeEach
    void broker() throws IOException {
        broker = Mosquitto.onFreePort();
    }

    @AfterEach
    void close() throws Exception {
        if (targets != null) {
            targets.close();
        }
        if (observer != null) {
            observer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theFirstValueOfADevicePropertyIsPublishedToItsMqttTarget() throws Exception {
        broker.launch();
        observer = Observer.connect(broker.url(), "observer-first");
        try (Fixture fixture = new Fixture()) {
            fixture.addDriver("rec", new DeviceManagerTest.RecordingDriver(), 0);
            fixture.put(Fixture.device("pusher", "rec", """
                    - name: temperature
                      collectCycle: 100
                      reportCycle: 100
                      pushMethod: {mqtt: {address: "%s", topic: "%s", qos: 1}}
                    """.formatted(broker.url(), TOPIC)));

            await().atMost(WAIT).until(() -> observer.messages.size() >= 3);
        }
        JsonNode first = observer.messages.get(0);
        assertThat(first.path("value").asText()).isEqualTo("temperature-1");
        assertThat(first.path("namespace").asText()).isEqualTo("default");
        assertThat(first.path("deviceName").asText()).isEqualTo("pusher");
        assertThat(first.path("propertyName").asText()).isEqualTo("temperature");
        assertThat(first.path("type").asText()).isEqualTo("string");
        assertThat(first.path("timestamp").asLong()).isPositive();
        List<Integer> readings = observer.messages.stream()
                .map(m -> Integer.parseInt(m.path("value").asText().substring("temperature-".length()))).toList();
        assertThat(readings).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aBrokerThatStartsLateReceivesTheQueuedValuesInOrder() throws Exception {
        prepareDurableObserver("observer-late");
        targets = new PushTargets(Runnable::run, new PushTargets.MqttSettings(1000, 50, 300));

        List<CompletableFuture<String>> pushes = push(1, 20);
        await().atMost(WAIT).until(() -> targets.connectAttempts(broker.url()) >= 3);
        assertThat(targets.connected(broker.url())).isFalse();
        assertThat(targets.queued(broker.url())).isEqualTo(20);
        assertThat(pushes).noneMatch(CompletableFuture::isDone);

        broker.launch();
        assertThat(outcomes(pushes)).containsOnlyNulls();
        assertThat(targets.queued(broker.url())).isZero();
        observer = Observer.connect(broker.url(), "observer-late");
        await().atMost(WAIT).until(() -> observer.messages.size() >= 20);
        assertThat(observer.values()).isEqualTo(values(1, 20));
        assertThat(targets.dropped(broker.url())).isZero();
    }

    @Test
    void aBrokerRestartLosesNothingThatWasQueuedWhileItWasDown() throws Exception {
        broker.launch();
        observer = Observer.connect(broker.url(), "observer-restart");
        targets = new PushTargets(Runnable::run, new PushTargets.MqttSettings(1000, 50, 300));

        assertThat(outcomes(push(1, 3))).containsOnlyNulls();
        await().atMost(WAIT).until(() -> observer.messages.size() >= 3);

        broker.stop();
        await().atMost(WAIT).until(() -> !targets.connected(broker.url()));
        long attempts = targets.connectAttempts(broker.url());
        List<CompletableFuture<String>> whileDown = push(4, 50);
        await().atMost(WAIT).until(() -> targets.connectAttempts(broker.url()) >= attempts + 2);
        assertThat(targets.queued(broker.url())).isEqualTo(47);
        assertThat(whileDown).noneMatch(CompletableFuture::isDone);

        broker.launch();
        assertThat(outcomes(whileDown)).containsOnlyNulls();
        List<String> beforeRestart = observer.values();
        observer.close();
        observer = Observer.connect(broker.url(), "observer-restart");
        await().atMost(WAIT).until(() -> observer.messages.size() >= 47);
        List<String> all = new ArrayList<>(beforeRestart);
        all.addAll(observer.values());
        assertThat(all).isEqualTo(values(1, 50));
    }

    @Test
    void aFullQueueDropsTheOldestValuesAndCountsThem() throws Exception {
        prepareDurableObserver("observer-full");
        targets = new PushTargets(Runnable::run, new PushTargets.MqttSettings(5, 50, 300));

        List<CompletableFuture<String>> pushes = push(1, 8);
        assertThat(targets.dropped(broker.url())).isEqualTo(3);
        assertThat(targets.queued(broker.url())).isEqualTo(5);
        for (CompletableFuture<String> dropped : pushes.subList(0, 3)) {
            assertThat(dropped.get(1, TimeUnit.SECONDS)).contains("dropped");
        }

        broker.launch();
        assertThat(outcomes(pushes.subList(3, 8))).containsOnlyNulls();
        observer = Observer.connect(broker.url(), "observer-full");
        await().atMost(WAIT).until(() -> observer.messages.size() >= 5);
        assertThat(observer.values()).isEqualTo(values(4, 8));
        assertThat(targets.dropped(broker.url())).isEqualTo(3);
    }

    /** Registers the observer's durable subscription, then stops the broker (it keeps the session). */
    private void prepareDurableObserver(String clientId) throws Exception {
        broker.launch();
        Observer.connect(broker.url(), clientId).close();
        broker.stop();
    }

    private List<CompletableFuture<String>> push(int from, int to) {
        PushMethod method = new PushMethod(null, new PushMethod.Mqtt(broker.url(), TOPIC, 1, false), null, null, null);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            long start = System.nanoTime();
            results.add(targets.push(method, new PushTargets.Reading("default", "thermo", "temperature",
                    Integer.toString(i), "int", Instant.now())));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("push never waits for the broker")
                    .isLessThan(Duration.ofMillis(500));
        }
        return results;
    }

    private static List<String> outcomes(List<CompletableFuture<String>> pushes) throws Exception {
        List<String> outcomes = new ArrayList<>();
        for (CompletableFuture<String> push : pushes) {
            outcomes.add(push.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        return outcomes;
    }

    private static List<String> values(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
    }

    /** A subscriber with a durable session on {@link #TOPIC}, QoS 1. */
    private static final class Observer implements AutoCloseable {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final MqttClient client;

        private Observer(MqttClient client) {
            this.client = client;
        }

        static Observer connect(String url, String clientId) throws MqttException {
            MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
            Observer observer = new Observer(client);
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) throws Exception {
                    observer.messages.add(KaredgeJson.mapper().readTree(message.getPayload()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setConnectionTimeout(5);
            client.setTimeToWait(5000);
            client.connect(options);
            client.subscribe(TOPIC, 1);
            return observer;
        }

        List<String> values() {
            return messages.stream().map(m -> m.path("value").asText()).toList();
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
            } catch (MqttException e) {
                // gone with the broker
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                // already closed
            }
        }
    }
}
