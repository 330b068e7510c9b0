package io.karedge.protocol.mqtt.internal;

import io.karedge.device.driver.ConfigKey;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.eclipse.paho.client.mqttv3.MqttTopic;

/**
 * A device's broker connection, bound from {@code spec.protocol.configData} by the SPI's configuration
 * binding. Keys as in KubeEdge's MQTT mapper where it has them ({@code brokerURL}, {@code clientID},
 * {@code username}, {@code password}, {@code topic}), plus {@code commandTopic} (where writes are
 * published), {@code qos} (of the subscription, default 1), {@code timeout} (for connecting and for a
 * write's acknowledgement, default 3000; a plain number is milliseconds) and {@code keepAlive} (default 30;
 * a plain number is seconds).
 *
 * @param clientId the configured client ID, or null (then one is made up per connection)
 * @param topic    the device's state topic (wildcards allowed), or null when every property names its own
 */
record MqttSettings(@ConfigKey(value = "brokerURL", required = true, hint = "for example tcp://127.0.0.1:1883")
                    String brokerUrl,
                    @ConfigKey("clientID") String clientId,
                    String username,
                    String password,
                    String topic,
                    String commandTopic,
                    @ConfigKey(min = 0, max = 2) int qos,
                    @ConfigKey(min = 100, max = 120_000) Duration timeout,
                    @ConfigKey(min = 0, max = 65535, unit = ChronoUnit.SECONDS) Duration keepAlive) {

    private static final List<String> SCHEMES = List.of("tcp", "ssl", "ws", "wss");
    static final MqttSettings DEFAULTS = new MqttSettings("tcp://127.0.0.1:1883", null, null, null, null, null, 1,
            Duration.ofMillis(3000), Duration.ofSeconds(30));

    MqttSettings {
        checkBroker(brokerUrl);
        if (clientId != null && clientId.length() > 65535) {
            throw new IllegalArgumentException("clientID is too long");
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("password given without username");
        }
        if (topic != null) {
            checkTopic("topic", topic, true);
        }
        if (commandTopic != null) {
            checkTopic("commandTopic", commandTopic, false);
        }
    }

    int timeoutMillis() {
        return (int) timeout.toMillis();
    }

    int keepAliveSeconds() {
        return (int) keepAlive.toSeconds();
    }

    private static void checkBroker(String broker) {
        URI uri;
        try {
            uri = new URI(broker);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("brokerURL '" + broker + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("brokerURL must start with one of " + String.join("://, ", SCHEMES)
                    + "://, not '" + broker + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("brokerURL '" + broker + "' has no host");
        }
    }

    static void checkTopic(String key, String topic, boolean wildcards) {
        try {
            MqttTopic.validate(topic, wildcards);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + topic + "' is not a valid MQTT topic"
                    + (wildcards ? "" : " (no wildcards allowed)") + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        // never shows the password
        return brokerUrl + (username == null ? "" : " as " + username);
    }
}
