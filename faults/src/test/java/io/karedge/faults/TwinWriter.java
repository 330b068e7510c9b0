package io.karedge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Writes twin values one at a time over MQTT (QoS 1, waiting for the PUBACK and the result) and keeps
 * the books: every value the node acknowledged is a value it claims to have stored. Reconnects when
 * the node closed the connection (its way of refusing a QoS 1 message).
 */
final class TwinWriter implements AutoCloseable {

    /** One write as the application saw it. */
    record Attempt(boolean acknowledged, int resultCode, boolean connectionClosed) {
        boolean stored() {
            return acknowledged && resultCode == 200;
        }

        String outcome() {
            return acknowledged ? "puback/" + (resultCode < 0 ? "noResult" : resultCode)
                    : connectionClosed ? "closed" : "noAnswer";
        }
    }

    private static final AtomicLong EVENTS = new AtomicLong();
    private final KaredgeNode node;
    private final String device;
    private final Map<String, String> claimed = new LinkedHashMap<>();
    private final Map<String, String> confirmed = new LinkedHashMap<>();
    private TwinMqtt mqtt;

    TwinWriter(KaredgeNode node, String device) {
        this.node = node;
        this.device = device;
    }

    /**
     * Values the node acknowledged (PUBACK over MQTT, 2xx over REST): it said they are stored. A PUBACK
     * with a 4xx result (the request itself was bad, nothing to store) is no such claim.
     */
    Map<String, String> claimed() {
        return claimed;
    }

    /** Values acknowledged with a 200 result: the node said they are stored, and nothing said otherwise. */
    Map<String, String> confirmed() {
        return confirmed;
    }

    void claim(String property, String value) {
        claimed.put(property, value);
    }

    Attempt write(String property, String value, long timeoutMs) throws InterruptedException {
        return write(Map.of(property, value), timeoutMs);
    }

    Attempt write(Map<String, String> values, long timeoutMs) throws InterruptedException {
        try {
            if (mqtt == null || mqtt.connectionLost()) {
                close();
                mqtt = TwinMqtt.connect(node, "writer-" + device, 10);
                mqtt.subscribeResults(device);
            }
        } catch (MqttException e) {
            mqtt = null;
            return new Attempt(false, -1, true);
        }
        String eventId = "w-" + EVENTS.incrementAndGet();
        TwinMqtt.Outcome outcome = mqtt.publish(TwinMqtt.updateTopic(device),
                TwinMqtt.updatePayload(eventId, values), false, timeoutMs);
        boolean acknowledged = outcome == TwinMqtt.Outcome.ACKNOWLEDGED;
        int code = -1;
        long deadline = System.currentTimeMillis() + (acknowledged ? timeoutMs : 300);
        while (System.currentTimeMillis() < deadline) {
            JsonNode result = mqtt.nextResult(device, Math.max(1, deadline - System.currentTimeMillis()));
            if (result != null && eventId.equals(result.path("event_id").asText())) {
                code = result.has("code") ? result.path("code").asInt() : 200;
                break;
            }
        }
        if (acknowledged && (code < 400 || code >= 500)) {
            claimed.putAll(values);
        }
        if (acknowledged && code == 200) {
            confirmed.putAll(values);
        }
        return new Attempt(acknowledged, code, outcome == TwinMqtt.Outcome.CONNECTION_CLOSED);
    }

    @Override
    public void close() {
        if (mqtt != null) {
            mqtt.close();
            mqtt = null;
        }
    }
}
