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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Delivers readings to a property's {@code pushMethod}: HTTP (POST of a JSON document with
 * {@code java.net.http}) and MQTT (publish of the same document with Paho, one shared client per broker
 * address, with a bounded queue per broker that keeps values while it connects or reconnects, see
 * {@link MqttPushBroker}). Both are asynchronous: nothing here blocks the caller. Other targets (OTEL, databases) are not
 * supported and are reported once as such.
 *
 * <p>The document is the mapper framework's data model as JSON: {@code {"namespace","deviceName",
 * "propertyName","value","type","timestamp"}} (timestamp in ms).
 */
final class PushTargets implements AutoCloseable {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** One reading to push. */
    record Reading(String namespace, String deviceName, String property, String value, String type, Instant at) {
    }

    /**
     * MQTT queueing and retry settings.
     *
     * @param queueCapacity        messages kept per broker while it is not connected; the oldest go first
     * @param initialBackoffMillis first pause before a new connection attempt; doubles on each failure
     * @param maxBackoffMillis     longest pause between attempts
     */
    record MqttSettings(int queueCapacity, long initialBackoffMillis, long maxBackoffMillis) {
        static final MqttSettings DEFAULTS = new MqttSettings(1000, 500, 30_000);
    }

    private final Executor executor;
    private final MqttSettings mqtt;
    private volatile HttpClient http;
    private final Map<String, MqttPushBroker> brokers = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor timer;
    private volatile boolean closed;

    PushTargets(Executor executor) {
        this(executor, MqttSettings.DEFAULTS);
    }

    PushTargets(Executor executor, MqttSettings mqtt) {
        this.executor = executor;
        this.mqtt = mqtt;
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
            return http().sendAsync(request, HttpResponse.BodyHandlers.discarding())
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

    /**
     * The HTTP client, built on the first HTTP push. A JDK client sets up the default TLS context (the trust
     * store's certificates and several hundred classes) and a selector thread, which a node whose devices push
     * nothing over HTTP should not carry.
     */
    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder().executor(executor).connectTimeout(DEFAULT_TIMEOUT).build();
                    http = client;
                }
            }
        }
        return client;
    }

    /** @return whether an HTTP client has been built (it is, on the first HTTP push) */
    boolean httpClientBuilt() {
        return http != null;
    }

    private CompletableFuture<String> publishMqtt(PushMethod.Mqtt target, byte[] body) {
        if (target.address() == null || target.address().isBlank() || target.topic() == null
                || target.topic().isBlank()) {
            return CompletableFuture.completedFuture("mqtt push target needs address and topic");
        }
        String address = target.address().trim();
        MqttPushBroker broker;
        try {
            broker = broker(address);
        } catch (MqttException | RuntimeException e) {
            return CompletableFuture.completedFuture("mqtt push to " + address + " failed: " + e.getMessage());
        }
        if (broker == null) {
            return CompletableFuture.completedFuture(null);
        }
        int qos = target.qos() == null ? 0 : Math.max(0, Math.min(2, target.qos()));
        return broker.publish(target.topic(), body, qos, Boolean.TRUE.equals(target.retained()));
    }

    /** One broker (client and queue) per address, created on its first push; null once closed. */
    private MqttPushBroker broker(String address) throws MqttException {
        MqttPushBroker existing = brokers.get(address);
        if (existing != null) {
            return existing;
        }
        synchronized (brokers) {
            if (closed) {
                return null;
            }
            existing = brokers.get(address);
            if (existing != null) {
                return existing;
            }
            if (timer == null) {
                timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "karedge-mqtt-push-retry");
                    thread.setDaemon(true);
                    return thread;
                });
                timer.setRemoveOnCancelPolicy(true);
            }
            MqttPushBroker broker = new MqttPushBroker(address, timer, mqtt.queueCapacity(),
                    mqtt.initialBackoffMillis(), mqtt.maxBackoffMillis(), (int) DEFAULT_TIMEOUT.toSeconds());
            brokers.put(address, broker);
            return broker;
        }
    }

    /** @return whether the client for the address is connected (for tests and status) */
    boolean connected(String address) {
        MqttPushBroker broker = brokers.get(address);
        return broker != null && broker.isConnected();
    }

    /** @return the messages queued for the broker (waiting or unconfirmed); 0 for an unknown broker */
    int queued(String address) {
        MqttPushBroker broker = brokers.get(address);
        return broker == null ? 0 : broker.queued();
    }

    /** @return the messages for the broker dropped because its queue was full */
    long dropped(String address) {
        MqttPushBroker broker = brokers.get(address);
        return broker == null ? 0 : broker.dropped();
    }

    /** @return the connection attempts made to the broker */
    long connectAttempts(String address) {
        MqttPushBroker broker = brokers.get(address);
        return broker == null ? 0 : broker.connectAttempts();
    }

    @Override
    public void close() {
        ScheduledThreadPoolExecutor stopping;
        synchronized (brokers) {
            closed = true;
            stopping = timer;
            timer = null;
        }
        if (stopping != null) {
            stopping.shutdownNow();
        }
        brokers.values().forEach(MqttPushBroker::close);
        brokers.clear();
    }
}
