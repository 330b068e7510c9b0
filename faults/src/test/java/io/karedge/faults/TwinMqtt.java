package io.karedge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A KubeEdge MQTT application on the node's broker (Paho v3, clean session, no automatic reconnect):
 * QoS 1 twin updates whose PUBACK and {@code /result} it records, and plain publishes.
 */
final class TwinMqtt implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();

    private final MqttAsyncClient client;
    private final Map<String, BlockingQueue<JsonNode>> results = new ConcurrentHashMap<>();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final CountDownLatch lostLatch = new CountDownLatch(1);

    /** What became of one publish. */
    enum Outcome { ACKNOWLEDGED, CONNECTION_CLOSED, NO_ANSWER }

    private TwinMqtt(MqttAsyncClient client) {
        this.client = client;
    }

    static TwinMqtt connect(KaredgeNode node, String purpose, int maxInflight) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(node.mqttUrl(),
                "faults-" + purpose + "-" + IDS.incrementAndGet(), new MemoryPersistence());
        TwinMqtt mqtt = new TwinMqtt(client);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                mqtt.lost.set(true);
                mqtt.lostLatch.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                BlockingQueue<JsonNode> queue = mqtt.results.get(topic);
                if (queue != null) {
                    try {
                        queue.offer(JSON.readTree(message.getPayload()));
                    } catch (java.io.IOException e) {
                        queue.offer(JSON.createObjectNode().put("unparsable", e.getMessage()));
                    }
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(maxInflight);
        client.connect(options).waitForCompletion(15_000);
        return mqtt;
    }

    static String updateTopic(String device) {
        return "$hw/events/device/default/" + device + "/twin/update";
    }

    /** A KubeEdge twin update that sets one expected value, type string. */
    static byte[] updatePayload(String eventId, String property, String value) {
        return updatePayload(eventId, Map.of(property, value));
    }

    /** A KubeEdge twin update that sets expected values, type string. */
    static byte[] updatePayload(String eventId, Map<String, String> values) {
        ObjectNode root = JSON.createObjectNode();
        root.put("event_id", eventId);
        root.put("timestamp", System.currentTimeMillis());
        ObjectNode twins = root.putObject("twin");
        values.forEach((property, value) -> {
            ObjectNode twin = twins.putObject(property);
            twin.putObject("expected").put("value", value);
            twin.putObject("metadata").put("type", "string");
        });
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Subscribes to the result topic of a device's twin updates; results arrive in {@link #nextResult}. */
    void subscribeResults(String device) throws MqttException {
        String topic = updateTopic(device) + "/result";
        results.computeIfAbsent(topic, t -> new LinkedBlockingQueue<>());
        client.subscribe(topic, 1).waitForCompletion(10_000);
    }

    JsonNode nextResult(String device, long timeoutMs) throws InterruptedException {
        BlockingQueue<JsonNode> queue = results.get(updateTopic(device) + "/result");
        return queue == null ? null : queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Publishes without waiting; the listener hears of the PUBACK or of the failure. */
    void publishAsync(String topic, byte[] payload, int qos, boolean retained, IMqttActionListener listener)
            throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        message.setRetained(retained);
        client.publish(topic, message, null, listener);
    }

    /** Publishes at QoS 1 and waits for the PUBACK, the connection's end, or the timeout. */
    Outcome publish(String topic, byte[] payload, boolean retained, long timeoutMs) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean acked = new AtomicBoolean();
        try {
            publishAsync(topic, payload, 1, retained, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    acked.set(true);
                    done.countDown();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    done.countDown();
                }
            });
        } catch (MqttException e) {
            return Outcome.CONNECTION_CLOSED;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (done.await(50, TimeUnit.MILLISECONDS)) {
                return acked.get() ? Outcome.ACKNOWLEDGED : Outcome.CONNECTION_CLOSED;
            }
            if (lost.get()) {
                // a PUBACK read before the close is still reported by Paho; give it a moment
                return done.await(500, TimeUnit.MILLISECONDS) && acked.get()
                        ? Outcome.ACKNOWLEDGED : Outcome.CONNECTION_CLOSED;
            }
        }
        return Outcome.NO_ANSWER;
    }

    boolean connectionLost() {
        return lost.get();
    }

    boolean awaitConnectionLost(long timeoutMs) throws InterruptedException {
        return lostLatch.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    MqttAsyncClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(1000, 1000);
            }
        } catch (MqttException e) {
            // the node may already have closed it
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // nothing left to release
        }
    }
}
