package io.karedge.device.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.PushMethod;
import io.karedge.api.json.KaredgeJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers readings to a property's {@code pushMethod}: HTTP (POST of a JSON document with
 * {@code java.net.http}) and MQTT (publish of the same document with Paho, one shared client per broker
 * address). Both are asynchronous: nothing here blocks the caller. Other targets (OTEL, databases) are not
 * supported and are reported once as such.
 *
 * <p>The document is the mapper framework's data model as JSON: {@code {"namespace","deviceName",
 * "propertyName","value","type","timestamp"}} (timestamp in ms).
 */
final class PushTargets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PushTargets.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** One reading to push. */
    record Reading(String namespace, String deviceName, String property, String value, String type, Instant at) {
    }

    private final HttpClient http;
    private final Map<String, MqttAsyncClient> brokers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    PushTargets(Executor executor) {
        this.http = HttpClient.newBuilder().executor(executor).connectTimeout(DEFAULT_TIMEOUT).build();
    }

    /** @return whether the push method has a target this class delivers to */
    static boolean supported(PushMethod method) {
        return method != null && (method.http() != null || method.mqtt() != null);
    }

    static ObjectNode document(Reading reading) {
        ObjectNode doc = KaredgeJson.mapper().createObjectNode();
        doc.put("namespace", reading.namespace());
        doc.put("deviceName", reading.deviceName());
        doc.put("propertyName", reading.property());
        doc.put("value", reading.value());
        doc.put("type", reading.type());
        doc.put("timestamp", reading.at().toEpochMilli());
        return doc;
    }

    /** Pushes one reading to every supported target of the method; completes with the first error or null. */
    CompletableFuture<String> push(PushMethod method, Reading reading) {
        if (closed || method == null) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] body = document(reading).toString().getBytes(StandardCharsets.UTF_8);
        CompletableFuture<String> httpResult = method.http() == null
                ? CompletableFuture.completedFuture(null) : postHttp(method.http(), body);
        CompletableFuture<String> mqttResult = method.mqtt() == null
                ? CompletableFuture.completedFuture(null) : publishMqtt(method.mqtt(), body);
        return httpResult.thenCombine(mqttResult, (a, b) -> a != null ? a : b);
    }

    static URI httpUri(PushMethod.Http target) {
        String host = target.hostName() == null ? "" : target.hostName().trim();
        if (!host.contains("://")) {
            host = "http://" + host;
        }
        String port = target.port() == null || target.port() <= 0 ? "" : ":" + target.port();
        String path = target.requestPath() == null ? "" : target.requestPath().trim();
        if (!path.isEmpty() && !path.startsWith("/")) {
            path = "/" + path;
        }
        return URI.create(host + port + path);
    }

    private CompletableFuture<String> postHttp(PushMethod.Http target, byte[] body) {
        try {
            Duration timeout = target.timeout() == null || target.timeout() <= 0
                    ? DEFAULT_TIMEOUT : Duration.ofMillis(target.timeout());
            HttpRequest request = HttpRequest.newBuilder(httpUri(target)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> {
                        if (failure != null) {
                            return "http push to " + request.uri() + " failed: " + failure.getMessage();
                        }
                        return response.statusCode() / 100 == 2 ? null
                                : "http push to " + request.uri() + " answered " + response.statusCode();
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture("http push target is invalid: " + e.getMessage());
        }
    }

    private CompletableFuture<String> publishMqtt(PushMethod.Mqtt target, byte[] body) {
        if (target.address() == null || target.address().isBlank() || target.topic() == null
                || target.topic().isBlank()) {
            return CompletableFuture.completedFuture("mqtt push target needs address and topic");
        }
        CompletableFuture<String> result = new CompletableFuture<>();
        try {
            MqttAsyncClient client = client(target.address().trim());
            if (!client.isConnected()) {
                return CompletableFuture.completedFuture("mqtt broker " + target.address() + " is not connected");
            }
            MqttMessage message = new MqttMessage(body);
            message.setQos(target.qos() == null ? 0 : Math.max(0, Math.min(2, target.qos())));
            message.setRetained(Boolean.TRUE.equals(target.retained()));
            client.publish(target.topic(), message, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    result.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    result.complete("mqtt publish to " + target.topic() + " failed: " + failure.getMessage());
                }
            });
        } catch (MqttException | RuntimeException e) {
            result.complete("mqtt publish to " + target.address() + " failed: " + e.getMessage());
        }
        return result;
    }

    /** One client per broker address; connects asynchronously and reconnects on its own. */
    private MqttAsyncClient client(String address) throws MqttException {
        MqttAsyncClient existing = brokers.get(address);
        if (existing != null) {
            return existing;
        }
        synchronized (brokers) {
            existing = brokers.get(address);
            if (existing != null) {
                return existing;
            }
            MqttAsyncClient client = new MqttAsyncClient(address,
                    "karedge-dm-" + Long.toHexString(System.nanoTime()), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setAutomaticReconnect(true);
            options.setCleanSession(true);
            options.setConnectionTimeout((int) DEFAULT_TIMEOUT.toSeconds());
            brokers.put(address, client);
            try {
                client.connect(options, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        LOG.info("Connected to MQTT push broker {}", address);
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable failure) {
                        LOG.warn("Cannot connect to MQTT push broker {}: {}; dropping it until the next push",
                                address, failure.getMessage());
                        brokers.remove(address, client);
                        closeQuietly(client);
                    }
                });
            } catch (MqttException e) {
                brokers.remove(address, client);
                closeQuietly(client);
                throw e;
            }
            return client;
        }
    }

    /** @return whether the client for the address is connected (for tests and status) */
    boolean connected(String address) {
        MqttAsyncClient client = brokers.get(address);
        return client != null && client.isConnected();
    }

    private static void closeQuietly(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000);
            }
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Closing MQTT push client failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        brokers.values().forEach(PushTargets::closeQuietly);
        brokers.clear();
    }
}
