package io.karedge.protocol.mqtt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.Device;
import io.karedge.device.driver.BaseDeviceHandler;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import io.karedge.device.driver.StateDetail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT device: a client subscribed to the device's state topic(s). Every message is parsed as JSON and
 * the properties found in it are pushed through the callback; {@code read} returns the last value seen.
 * Writes publish {@code {"<property>":"<value>"}} on the command topic with QoS 1 and wait for the broker's
 * acknowledgement (not for the device: its new state arrives later as an ordinary message).
 *
 * <p>The connection is made asynchronously, when the manager subscribes (or on the first write), and is made
 * again with a growing delay (1 s doubling to 30 s) after a failure or a lost connection. Connection changes
 * are reported as ONLINE/OFFLINE. Paho runs its own network threads per client; connects, retries and keep-alive
 * pings run on the driver's shared scheduler.
 */
final class MqttHandler extends BaseDeviceHandler implements PushingHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MqttHandler.class);
    private static final long FIRST_RETRY_MILLIS = 1000;
    private static final long MAX_RETRY_MILLIS = 30_000;

    private final MqttSettings settings;
    private final ScheduledExecutorService scheduler;
    private final ObjectMapper json;
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private final Map<String, PropertyValue> last = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    // guarded by lock
    private MqttAsyncClient client;
    private boolean started;
    private boolean connecting;
    private ScheduledFuture<?> retry;
    private long retryDelay = FIRST_RETRY_MILLIS;
    private List<String> filters = List.of();

    /** A subscribed property: where its value is and how to type it. */
    private record Binding(PropertyRequest request, MqttVisitor visitor, String type) {
    }

    MqttHandler(Device device, DeviceCallback callback, MqttSettings settings, ScheduledExecutorService scheduler,
                ObjectMapper json) {
        super(device, callback);
        this.settings = settings;
        this.scheduler = scheduler;
        this.json = json;
    }

    @Override
    public List<PropertyRequest> subscribe(List<PropertyRequest> requests) throws DriverException {
        ensureOpen();
        List<PropertyRequest> accepted = new ArrayList<>();
        for (PropertyRequest request : requests) {
            try {
                MqttVisitor visitor = MqttVisitor.of(request, settings.topic());
                bindings.put(request.name(), new Binding(request, visitor, visitor.typeFor(request.type())));
                accepted.add(request);
            } catch (IllegalArgumentException e) {
                // left to polling, where reading it reports the same message
                last.put(request.name(), PropertyValue.failed(request.name(), e.getMessage()));
            }
        }
        Set<String> topics = new LinkedHashSet<>();
        bindings.values().forEach(b -> topics.add(b.visitor().topic()));
        synchronized (lock) {
            filters = List.copyOf(topics);
        }
        start();
        return accepted;
    }

    // ------------------------------------------------------------------ connection

    private void start() {
        synchronized (lock) {
            if (started || isClosed()) {
                return;
            }
            started = true;
        }
        schedule(0);
    }

    private void schedule(long delayMillis) {
        synchronized (lock) {
            if (isClosed()) {
                return;
            }
            try {
                retry = scheduler.schedule(this::connect, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("MQTT driver stopping; {} not connected", device.id());
            }
        }
    }

    private void connect() {
        MqttAsyncClient target;
        synchronized (lock) {
            if (isClosed() || connecting || (client != null && client.isConnected())) {
                return;
            }
            try {
                if (client == null) {
                    client = new MqttAsyncClient(settings.brokerUrl(), clientId(), new MemoryPersistence(),
                            new ScheduledExecutorPingSender(scheduler));
                    client.setCallback(new Listener());
                }
            } catch (MqttException | IllegalArgumentException e) {
                offline(StateDetail.CONFIGURATION_ERROR,
                        "cannot create an MQTT client for " + settings + ": " + message(e));
                return;
            }
            target = client;
            connecting = true;
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(Math.max(1, (settings.timeoutMillis() + 999) / 1000));
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().toCharArray());
        }
        try {
            target.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connected(target);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    connectFailed(detail(cause), "cannot connect to " + settings + ": " + message(cause));
                }
            });
        } catch (MqttException | RuntimeException e) {
            connectFailed(detail(e), "cannot connect to " + settings + ": " + message(e));
        }
    }

    private void connected(MqttAsyncClient target) {
        List<String> topics;
        synchronized (lock) {
            connecting = false;
            if (isClosed()) {
                shutdown(target);
                return;
            }
            topics = filters;
        }
        if (topics.isEmpty()) {
            online(target);
            return;
        }
        int[] qos = new int[topics.size()];
        java.util.Arrays.fill(qos, settings.qos());
        try {
            target.subscribe(topics.toArray(String[]::new), qos, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] granted = token.getGrantedQos();
                    if (granted != null && java.util.Arrays.stream(granted).anyMatch(q -> q == 0x80)) {
                        lost(target, "the broker refused the subscription to " + String.join(", ", topics));
                        return;
                    }
                    online(target);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    lost(target, "cannot subscribe to " + String.join(", ", topics) + ": " + message(cause));
                }
            });
        } catch (MqttException | RuntimeException e) {
            lost(target, "cannot subscribe to " + String.join(", ", topics) + ": " + message(e));
        }
    }

    private void online(MqttAsyncClient target) {
        synchronized (lock) {
            if (isClosed() || target != client) {
                return;
            }
            retryDelay = FIRST_RETRY_MILLIS;
        }
        callback.reportState(DeviceState.ONLINE, "connected to " + settings + ", subscribed to "
                + String.join(", ", filters));
    }

    private void connectFailed(StateDetail detail, String why) {
        synchronized (lock) {
            connecting = false;
        }
        offline(detail, why);
    }

    /**
     * The connection broke (or a subscription failed): drop it and connect again later. The drop runs on the
     * scheduler, never on Paho's callback thread, which a forcible disconnect would wait for.
     */
    private void lost(MqttAsyncClient target, String why) {
        synchronized (lock) {
            if (target == null || target != client || isClosed()) {
                return;
            }
        }
        try {
            scheduler.execute(() -> {
                try {
                    if (target.isConnected()) {
                        target.disconnectForcibly(0, Math.min(1000, settings.timeoutMillis()), false);
                    }
                } catch (MqttException | RuntimeException e) {
                    LOG.debug("MQTT disconnect of {}: {}", device.id(), message(e));
                }
                offline(StateDetail.COMMUNICATION_ERROR, why);
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("MQTT driver stopping; {} stays disconnected", device.id());
        }
    }

    /**
     * The detail of a failed connect: the broker refused the credentials ({@link StateDetail#AUTHENTICATION_ERROR})
     * or the client id ({@link StateDetail#CONFIGURATION_ERROR}); anything else is a communication error.
     */
    static StateDetail detail(Throwable failure) {
        if (failure instanceof MqttException e) {
            int code = e.getReasonCode();
            if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                    || code == MqttException.REASON_CODE_NOT_AUTHORIZED) {
                return StateDetail.AUTHENTICATION_ERROR;
            }
            if (code == MqttException.REASON_CODE_INVALID_CLIENT_ID) {
                return StateDetail.CONFIGURATION_ERROR;
            }
            if (code == MqttException.REASON_CODE_BROKER_UNAVAILABLE) {
                return StateDetail.BUSY;
            }
        }
        return StateDetail.COMMUNICATION_ERROR;
    }

    private void offline(StateDetail detail, String why) {
        long delay;
        synchronized (lock) {
            if (isClosed()) {
                return;
            }
            delay = retryDelay;
            retryDelay = Math.min(MAX_RETRY_MILLIS, retryDelay * 2);
        }
        LOG.info("MQTT device {} offline: {} (retrying in {} ms)", device.id(), why, delay);
        callback.reportState(DeviceState.OFFLINE, detail, why);
        schedule(delay);
    }

    private String clientId() {
        if (settings.clientId() != null) {
            return settings.clientId();
        }
        String base = "karedge-" + device.id().replaceAll("[^A-Za-z0-9._-]", "-");
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    boolean connected() {
        synchronized (lock) {
            return client != null && client.isConnected();
        }
    }

    /** Paho's callbacks: run on the client's callback thread; they only parse and hand over. */
    private final class Listener implements MqttCallback {

        @Override
        public void connectionLost(Throwable cause) {
            MqttAsyncClient target;
            synchronized (lock) {
                target = client;
            }
            lost(target, "connection to " + settings + " lost: " + message(cause));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (isClosed()) {
                return;
            }
            JsonNode document;
            try {
                document = json.readTree(message.getPayload());
            } catch (IOException e) {
                LOG.debug("MQTT device {}: message on {} is not JSON: {}", device.id(), topic, e.getMessage());
                return;
            }
            if (document == null) {
                return;
            }
            List<PropertyValue> values = new ArrayList<>();
            for (Binding binding : bindings.values()) {
                if (!matches(binding.visitor().topic(), topic)) {
                    continue;
                }
                JsonNode node = binding.visitor().path().find(document);
                if (node == null) {
                    continue;
                }
                String name = binding.request().name();
                PropertyValue value;
                try {
                    value = PropertyValue.of(name, TwinValues.of(node, binding.type()), binding.request().type());
                } catch (IllegalArgumentException e) {
                    value = PropertyValue.failed(name, "property " + name + " (" + binding.visitor().path() + " on "
                            + topic + "): " + e.getMessage());
                }
                last.put(name, value);
                values.add(value);
            }
            if (!values.isEmpty() && !isClosed()) {
                callback.reportValues(values);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    private static boolean matches(String filter, String topic) {
        try {
            return MqttTopic.isMatched(filter, topic);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ reads and writes

    @Override
    protected String readValue(PropertyRequest request) throws PropertyException {
        PropertyValue value = last.get(request.name());
        if (value == null) {
            Binding binding = bindings.get(request.name());
            String where = binding == null ? "" : " on " + binding.visitor().topic();
            throw new PropertyException("property " + request.name() + ": no value published yet" + where
                    + (connected() ? "" : " (not connected to " + settings + ")"));
        }
        if (!value.ok()) {
            throw new PropertyException(value.error());
        }
        return value.value();
    }

    @Override
    protected String writeValue(PropertyRequest target, String value) throws PropertyException, DriverException {
        if (settings.commandTopic() == null) {
            throw new PropertyException("property " + target.name() + " cannot be written: the device has no "
                    + "commandTopic in its protocol configData");
        }
        MqttAsyncClient current;
        synchronized (lock) {
            current = client;
        }
        if (current == null || !current.isConnected()) {
            start();
            throw new DriverException("not connected to " + settings + "; cannot publish to "
                    + settings.commandTopic());
        }
        ObjectNode command = json.createObjectNode().put(target.name(), value);
        byte[] payload = command.toString().getBytes(StandardCharsets.UTF_8);
        try {
            IMqttDeliveryToken token = current.publish(settings.commandTopic(), payload, 1, false);
            token.waitForCompletion(settings.timeoutMillis());
        } catch (MqttException e) {
            throw new DriverException("publishing to " + settings.commandTopic() + " on " + settings + " failed: "
                    + message(e), e);
        }
        return value;
    }

    // ------------------------------------------------------------------ closing

    @Override
    protected void onClose() {
        MqttAsyncClient target;
        synchronized (lock) {
            if (retry != null) {
                retry.cancel(false);
            }
            target = client;
        }
        if (target == null) {
            return;
        }
        try {
            scheduler.execute(() -> shutdown(target));
        } catch (RejectedExecutionException e) {
            Thread closer = new Thread(() -> shutdown(target), "karedge-mqtt-close");
            closer.setDaemon(true);
            closer.start();
        }
    }

    /** Disconnects without waiting for the broker and frees the client's threads; never throws. */
    private void shutdown(MqttAsyncClient target) {
        try {
            target.setCallback(null);
            if (target.isConnected()) {
                target.disconnectForcibly(0, Math.min(1000, settings.timeoutMillis()), false);
            }
        } catch (MqttException | RuntimeException e) {
            LOG.debug("MQTT disconnect of {}: {}", device.id(), message(e));
        }
        try {
            target.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("MQTT close of {}: {}", device.id(), message(e));
        }
    }

    /** @return the exception's message with its cause's, e.g. "Unable to connect to server (Connection refused)" */
    static String message(Throwable e) {
        if (e == null) {
            return "unknown cause";
        }
        String text = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !cause.getMessage().isBlank()
                && !text.contains(cause.getMessage())) {
            text += " (" + cause.getMessage() + ")";
        }
        return text;
    }
}
