package io.karedge.eventbus.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus as a client of an external broker (mosquitto ...), through Paho v3: subscribes the KubeEdge
 * filters with QoS 1, publishes with QoS 1 and retain false, and reconnects with back-off (1 s doubling
 * to 30 s), subscribing again after every connect.
 *
 * <p>Acknowledgements are manual: Paho sends the PUBACK for a received message only when the
 * {@link PublishHook}'s stage completed (for twin topics: after the durable write), so Paho's callback
 * thread never waits and messages are pipelined. A message whose stage failed is not acknowledged; the
 * broker delivers it again after the next reconnect (with {@code clean.session=false}).
 */
public final class ExternalConnection implements Bus, MqttCallbackExtended {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalConnection.class);
    private static final long FIRST_BACKOFF_MS = 1000;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final ExternalSettings settings;
    private final PublishHook hook;
    private final BusMetrics metrics;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong backoffMs = new AtomicLong(FIRST_BACKOFF_MS);
    private final AtomicBoolean reconnectPending = new AtomicBoolean();
    private final WarnLimiter warnings = new WarnLimiter(5);
    private volatile boolean closed;
    /** why the last connect failed or the connection was lost; null once connected */
    private volatile String lastFailure;

    public ExternalConnection(ExternalSettings settings, PublishHook hook, BusMetrics metrics)
            throws MqttException, IOException, GeneralSecurityException {
        this.settings = settings;
        this.hook = hook;
        this.metrics = metrics;
        this.options = options(settings);
        this.client = new MqttAsyncClient(settings.url(), settings.clientId(), new MemoryPersistence());
        client.setCallback(this);
        client.setManualAcks(true);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "karedge-eventbus-reconnect");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static MqttConnectOptions options(ExternalSettings settings) throws IOException, GeneralSecurityException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(settings.cleanSession());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        if (!settings.username().isEmpty()) {
            options.setUserName(settings.username());
        }
        if (!settings.password().isEmpty()) {
            options.setPassword(settings.password().toCharArray());
        }
        if (settings.tls()) {
            options.setSocketFactory(PemTls.socketFactory(settings.caFile(), settings.certFile(), settings.keyFile()));
        }
        return options;
    }

    /** Starts connecting; returns at once. */
    @Override
    public void start() {
        connect();
    }

    private void connect() {
        reconnectPending.set(false);
        if (closed) {
            return;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    backoffMs.set(FIRST_BACKOFF_MS);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    lastFailure = "cannot connect: " + failure;
                    warn("Cannot connect to MQTT broker {} as {}: {}; retrying in {} ms", settings.url(),
                            settings.clientId(), String.valueOf(failure), backoffMs.get());
                    scheduleReconnect();
                }
            });
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_CONNECTED
                    || e.getReasonCode() == MqttException.REASON_CODE_CONNECT_IN_PROGRESS) {
                return;
            }
            lastFailure = "cannot connect: " + e;
            warn("Cannot connect to MQTT broker {}: {}; retrying in {} ms", settings.url(), e.toString(),
                    backoffMs.get(), "");
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        if (closed || !reconnectPending.compareAndSet(false, true)) {
            return;
        }
        long delay = backoffMs.getAndUpdate(current -> Math.min(current * 2, MAX_BACKOFF_MS));
        try {
            scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Event bus is stopping; no reconnect");
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        LOG.info("Connected to MQTT broker {} as {}", serverUri, settings.clientId());
        lastFailure = null;
        String[] filters = settings.filters().toArray(new String[0]);
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        try {
            client.subscribe(filters, qos, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    LOG.debug("Subscribed {} filters on {}", filters.length, serverUri);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    metrics.error();
                    warn("Subscribing on {} failed: {}; reconnecting", serverUri, String.valueOf(failure), "", "");
                    dropConnection();
                }
            });
        } catch (MqttException e) {
            metrics.error();
            warn("Subscribing on {} failed: {}; reconnecting", serverUri, e.toString(), "", "");
            dropConnection();
        }
    }

    private void dropConnection() {
        try {
            client.disconnect(0, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    scheduleReconnect();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    scheduleReconnect();
                }
            });
        } catch (MqttException e) {
            scheduleReconnect();
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (!closed) {
            lastFailure = "connection lost: " + cause;
            warn("Lost the connection to MQTT broker {}: {}; reconnecting", settings.url(), String.valueOf(cause),
                    "", "");
            scheduleReconnect();
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        metrics.received();
        int id = message.getId();
        int qos = message.getQos();
        CompletionStage<Void> taken;
        try {
            taken = hook.published(topic, message.getPayload());
        } catch (RuntimeException e) {
            taken = CompletableFuture.failedFuture(e);
        }
        taken.whenComplete((ok, failure) -> {
            if (failure != null) {
                metrics.error();
                warn("Message {} on {} was not taken over ({}); left unacknowledged for redelivery", id,
                        BusPayloads.forLog(topic), String.valueOf(failure), "");
            } else if (qos > 0) {
                try {
                    client.messageArrivedComplete(id, qos);
                } catch (MqttException e) {
                    metrics.error();
                    warn("Could not acknowledge message {} on {}: {}", id, BusPayloads.forLog(topic), e.toString(), "");
                }
            }
        });
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // counted when handed over
    }

    @Override
    public void publish(String topic, byte[] payload) {
        try {
            client.publish(topic, payload, 1, false, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    // delivered to the broker
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    metrics.error();
                    warn("Publishing on {} failed: {}", BusPayloads.forLog(topic), String.valueOf(failure), "", "");
                }
            });
            metrics.sent();
        } catch (MqttException e) {
            metrics.error();
            warn("Publishing on {} failed: {}", BusPayloads.forLog(topic), e.toString(), "", "");
        }
    }

    @Override
    public String address() {
        return settings.url();
    }

    @Override
    public boolean connected() {
        return client.isConnected();
    }

    @Override
    public int connectedClients() {
        return 0;
    }

    @Override
    public String problem() {
        if (client.isConnected()) {
            return null;
        }
        String failure = lastFailure;
        return failure == null ? "connecting" : failure;
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(2000).waitForCompletion(3000);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnect from {} failed: {}", settings.url(), e.toString());
            try {
                client.disconnectForcibly(500, 500);
            } catch (MqttException ignored) {
                // closing anyway
            }
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("Closing the MQTT client failed: {}", e.toString());
        }
        LOG.info("Disconnected from MQTT broker {}", settings.url());
    }

    private void warn(String format, Object first, Object second, Object third, Object fourth) {
        long suppressed = warnings.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn(suppressed > 0 ? format + " (" + suppressed + " similar warnings suppressed)" : format,
                    first, second, third, fourth);
        }
    }

    private void warn(String format, Object first, Object second, Object third) {
        warn(format, first, second, third, "");
    }
}
