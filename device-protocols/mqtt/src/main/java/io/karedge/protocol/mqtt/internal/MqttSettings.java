package io.karedge.protocol.mqtt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.paho.client.mqttv3.MqttTopic;

/**
 * A device's broker connection, from {@code spec.protocol.configData}. Keys as in KubeEdge's MQTT mapper
 * where it has them ({@code brokerURL}, {@code clientID}, {@code username}, {@code password},
 * {@code topic}), plus {@code commandTopic} (where writes are published), {@code qos} (of the subscription,
 * default 1), {@code timeout} (milliseconds for connecting and for a write's acknowledgement, default 3000)
 * and {@code keepAlive} (seconds, default 30).
 *
 * @param clientId the configured client ID, or null (then one is made up per connection)
 * @param topic    the device's state topic (wildcards allowed), or null when every property names its own
 */
record MqttSettings(String brokerUrl, String clientId, String username, String password, String topic,
                    String commandTopic, int qos, int timeoutMillis, int keepAliveSeconds) {

    static final int DEFAULT_QOS = 1;
    static final int DEFAULT_TIMEOUT_MILLIS = 3000;
    static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;

    private static final Set<String> KNOWN = Set.of("brokerURL", "clientID", "username", "password", "topic",
            "commandTopic", "qos", "timeout", "keepAlive");
    private static final List<String> SCHEMES = List.of("tcp", "ssl", "ws", "wss");

    static MqttSettings parse(String deviceId, ObjectNode config) {
        String where = "device " + deviceId + " protocol configData";
        rejectUnknown(where, config, KNOWN);
        String broker = text(where, config, "brokerURL");
        if (broker == null) {
            throw new IllegalArgumentException(where + ": brokerURL is missing (for example tcp://127.0.0.1:1883)");
        }
        checkBroker(where, broker);
        String clientId = text(where, config, "clientID");
        if (clientId != null && clientId.length() > 65535) {
            throw new IllegalArgumentException(where + ": clientID is too long");
        }
        String username = text(where, config, "username");
        String password = text(where, config, "password");
        if (password != null && username == null) {
            throw new IllegalArgumentException(where + ": password given without username");
        }
        String topic = text(where, config, "topic");
        if (topic != null) {
            checkTopic(where, "topic", topic, true);
        }
        String commandTopic = text(where, config, "commandTopic");
        if (commandTopic != null) {
            checkTopic(where, "commandTopic", commandTopic, false);
        }
        int qos = (int) number(where, config, "qos", DEFAULT_QOS, 0, 2);
        int timeout = (int) number(where, config, "timeout", DEFAULT_TIMEOUT_MILLIS, 100, 120_000);
        int keepAlive = (int) number(where, config, "keepAlive", DEFAULT_KEEP_ALIVE_SECONDS, 0, 65535);
        return new MqttSettings(broker, clientId, username, password, topic, commandTopic, qos, timeout, keepAlive);
    }

    private static void checkBroker(String where, String broker) {
        URI uri;
        try {
            uri = new URI(broker);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(where + ": brokerURL '" + broker + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException(where + ": brokerURL '" + broker + "' must start with one of "
                    + String.join("://, ", SCHEMES) + "://");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException(where + ": brokerURL '" + broker + "' has no host");
        }
    }

    static void checkTopic(String where, String key, String topic, boolean wildcards) {
        try {
            MqttTopic.validate(topic, wildcards);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + key + " '" + topic + "' is not a valid MQTT topic"
                    + (wildcards ? "" : " (no wildcards allowed)") + ": " + e.getMessage());
        }
    }

    static void rejectUnknown(String where, ObjectNode config, Set<String> known) {
        if (config == null) {
            return;
        }
        Iterator<String> names = config.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!known.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    static String text(String where, ObjectNode config, String key) {
        JsonNode node = config == null ? null : config.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a single value");
        }
        String text = node.asText().trim();
        return text.isEmpty() ? null : text;
    }

    private static long number(String where, ObjectNode config, String key, long fallback, long min, long max) {
        String text = text(where, config, key);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + key + " must be a whole number, not '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(where + ": " + key + " must be between " + min + " and " + max + ", not "
                    + value);
        }
        return value;
    }

    @Override
    public String toString() {
        // never shows the password
        return brokerUrl + (username == null ? "" : " as " + username);
    }
}
