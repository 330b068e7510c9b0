package io.karedge.device.manager.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * One MQTT push broker: a Paho async client, a bounded queue of messages waiting to be published, and the
 * connection's life cycle.
 *
 * <ul>
 *   <li>Messages are queued in push order and handed to the client, at most {@code window} at a time, while it
 *   is connected. A message counts as sent when Paho reports it delivered (QoS 0: written; QoS 1/2:
 *   acknowledged).</li>
 *   <li>While the client connects, or after it lost its connection, messages wait in the queue; at most
 *   {@code capacity} wait. When the queue is full the OLDEST waiting message is dropped and counted; drops are
 *   logged as a WARN at most once per {@link #DROP_WARN_INTERVAL_NANOS}.</li>
 *   <li>Messages handed to the client whose delivery was not confirmed when the connection was lost go back to
 *   the head of the queue, in order (at-least-once: the broker may see such a message twice).</li>
 *   <li>Connecting is asynchronous (Paho's own connect thread); failed attempts and lost connections are
 *   retried after a back-off that doubles from {@code initialBackoffMillis} to {@code maxBackoffMillis}. The
 *   delay is kept by the shared {@code timer}, whose task only starts the next asynchronous attempt. No caller
 *   ever waits for the network.</li>
 * </ul>
 *
 * <p>Guarded by its own monitor; Paho is never called while holding it.
 */
final class MqttPushBroker {

    private static final Logger LOG = LoggerFactory.getLogger(MqttPushBroker.class);
    static final long DROP_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private enum State { IDLE, CONNECTING, CONNECTED, WAITING, CLOSED }

    /** A message waiting for, or in, delivery. */
    private static final class Pending {
        final long seq;
        final String topic;
        final byte[] payload;
        final int qos;
        final boolean retained;
        final CompletableFuture<String> result = new CompletableFuture<>();
        /** Incremented on every hand-over to the client, to ignore outcomes of earlier hand-overs. */
        int attempt;

        Pending(long seq, String topic, byte[] payload, int qos, boolean retained) {
            this.seq = seq;
            this.topic = topic;
            this.payload = payload;
            this.qos = qos;
            this.retained = retained;
        }
    }

    private final String address;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ScheduledExecutorService timer;
    private final int capacity;
    private final int window;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final TreeMap<Long, Pending> inFlight = new TreeMap<>();
    private State state = State.IDLE;
    private long nextSeq;
    private int failedAttempts;
    private long connectAttempts;
    private ScheduledFuture<?> retry;
    private boolean draining;
    private boolean drainAgain;
    private long dropped;
    private long droppedSinceWarn;
    private long lastDropWarn;
    private boolean warnedUnreachable;

    MqttPushBroker(String address, ScheduledExecutorService timer, int capacity, long initialBackoffMillis,
                   long maxBackoffMillis, int connectTimeoutSeconds) throws MqttException {
        this.address = address;
        this.timer = timer;
        this.capacity = Math.max(1, capacity);
        this.window = Math.max(1, Math.min(32, this.capacity));
        this.initialBackoffMillis = Math.max(1, initialBackoffMillis);
        this.maxBackoffMillis = Math.max(this.initialBackoffMillis, maxBackoffMillis);
        this.client = new MqttAsyncClient(address, "karedge-dm-" + Long.toHexString(System.nanoTime()),
                new MemoryPersistence());
        this.options = new MqttConnectOptions();
        options.setAutomaticReconnect(false);
        options.setCleanSession(true);
        options.setConnectionTimeout(Math.max(1, connectTimeoutSeconds));
        options.setMaxInflight(window);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // reported through the connect listener
            }

            @Override
            public void connectionLost(Throwable cause) {
                lost(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // publish only
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // reported through the publish listener
            }
        });
    }

    /**
     * Queues one message and publishes it as soon as the client is connected.
     *
     * @return completes with null once delivered, or with the reason it was dropped
     */
    CompletableFuture<String> publish(String topic, byte[] payload, int qos, boolean retained) {
        Pending pending;
        List<Pending> drops;
        boolean connect;
        synchronized (this) {
            if (state == State.CLOSED) {
                return CompletableFuture.completedFuture("mqtt push to " + address + " discarded: closed");
            }
            pending = new Pending(nextSeq++, topic, payload, qos, retained);
            queue.addLast(pending);
            drops = trim();
            connect = state == State.IDLE;
            if (connect) {
                state = State.CONNECTING;
            }
        }
        dropped(drops);
        if (connect) {
            connect();
        } else {
            drain();
        }
        return pending.result;
    }

    /** Drops the oldest waiting messages beyond the capacity; caller holds the monitor. */
    private List<Pending> trim() {
        List<Pending> drops = List.of();
        while (queue.size() > capacity) {
            if (drops.isEmpty()) {
                drops = new ArrayList<>();
            }
            drops.add(queue.pollFirst());
        }
        dropped += drops.size();
        droppedSinceWarn += drops.size();
        return drops;
    }

    private void dropped(List<Pending> drops) {
        if (drops.isEmpty()) {
            return;
        }
        String reason = "mqtt push to " + address + " dropped: " + capacity
                + " newer messages are waiting for the broker";
        drops.forEach(p -> p.result.complete(reason));
        long count;
        long total;
        synchronized (this) {
            long now = System.nanoTime();
            if (lastDropWarn != 0 && now - lastDropWarn < DROP_WARN_INTERVAL_NANOS) {
                return;
            }
            lastDropWarn = now == 0 ? 1 : now;
            count = droppedSinceWarn;
            total = dropped;
            droppedSinceWarn = 0;
        }
        LOG.warn("MQTT push broker {} is not connected and its queue of {} messages is full: dropped the {} "
                + "oldest ({} in all)", address, capacity, count, total);
    }

    /** Starts one asynchronous connection attempt; the state is already CONNECTING. */
    private void connect() {
        synchronized (this) {
            if (state != State.CONNECTING) {
                return;
            }
            connectAttempts++;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connected();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    connectFailed(failure);
                }
            });
        } catch (MqttException | RuntimeException e) {
            connectFailed(e);
        }
    }

    private void connected() {
        int waiting;
        boolean wasWarned;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CONNECTED;
            failedAttempts = 0;
            waiting = queue.size();
            wasWarned = warnedUnreachable;
            warnedUnreachable = false;
        }
        if (wasWarned) {
            LOG.warn("Connected to MQTT push broker {}; publishing {} queued messages", address, waiting);
        } else {
            LOG.info("Connected to MQTT push broker {} ({} queued messages)", address, waiting);
        }
        drain();
    }

    private void connectFailed(Throwable failure) {
        boolean warn;
        long delay;
        int waiting;
        synchronized (this) {
            if (state != State.CONNECTING) {
                return;
            }
            delay = backoff();
            warn = !warnedUnreachable;
            warnedUnreachable = true;
            waiting = queue.size();
            schedule(delay);
        }
        String message = "Cannot connect to MQTT push broker {}: {}; retrying in {} ms with back-off, "
                + "{} messages queued (at most {})";
        if (warn) {
            LOG.warn(message, address, failure.getMessage(), delay, waiting, capacity);
        } else {
            LOG.debug(message, address, failure.getMessage(), delay, waiting, capacity);
        }
    }

    private void lost(Throwable cause) {
        List<Pending> drops;
        long delay;
        synchronized (this) {
            if (state != State.CONNECTED) {
                return;
            }
            requeueInFlight();
            drops = trim();
            delay = backoff();
            warnedUnreachable = true;
            schedule(delay);
        }
        LOG.warn("Lost MQTT push broker {}: {}; queueing values and reconnecting in {} ms", address,
                cause == null ? "disconnected" : cause.getMessage(), delay);
        dropped(drops);
    }

    /** Caller holds the monitor. */
    private long backoff() {
        long delay = initialBackoffMillis << Math.min(failedAttempts, 20);
        failedAttempts++;
        return Math.min(delay, maxBackoffMillis);
    }

    /** Caller holds the monitor. */
    private void schedule(long delayMillis) {
        state = State.WAITING;
        try {
            retry = timer.schedule(() -> {
                synchronized (MqttPushBroker.this) {
                    if (state != State.WAITING) {
                        return;
                    }
                    state = State.CONNECTING;
                    retry = null;
                }
                connect();
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("MQTT push retry for {} not scheduled: {}", address, e.getMessage());
        }
    }

    /** Puts the messages handed to the client back at the head of the queue, in push order; holds the monitor. */
    private void requeueInFlight() {
        if (inFlight.isEmpty()) {
            return;
        }
        List<Pending> merged = new ArrayList<>(inFlight.values());
        inFlight.clear();
        merged.addAll(queue);
        merged.sort(Comparator.comparingLong(p -> p.seq));
        queue.clear();
        queue.addAll(merged);
    }

    /** Hands waiting messages to the client in order while it is connected; one thread drains at a time. */
    private void drain() {
        synchronized (this) {
            if (draining) {
                drainAgain = true;
                return;
            }
            draining = true;
        }
        try {
            while (true) {
                Pending next;
                int attempt;
                synchronized (this) {
                    if (state != State.CONNECTED || queue.isEmpty() || inFlight.size() >= window) {
                        if (!drainAgain) {
                            draining = false;
                            return;
                        }
                        drainAgain = false;
                        continue;
                    }
                    drainAgain = false;
                    next = queue.pollFirst();
                    attempt = ++next.attempt;
                    inFlight.put(next.seq, next);
                }
                if (!send(next, attempt)) {
                    synchronized (this) {
                        draining = false;
                        drainAgain = false;
                    }
                    return;
                }
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                draining = false;
            }
            throw e;
        }
    }

    /** @return false when the client refused the message for now (it went back to the queue) */
    private boolean send(Pending pending, int attempt) {
        try {
            MqttMessage message = new MqttMessage(pending.payload);
            message.setQos(pending.qos);
            message.setRetained(pending.retained);
            client.publish(pending.topic, message, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    delivered(pending, attempt);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    failed(pending, attempt, failure);
                }
            });
            return true;
        } catch (MqttException e) {
            if (retriable(e.getReasonCode())) {
                boolean notConnected = e.getReasonCode() == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED
                        || e.getReasonCode() == MqttException.REASON_CODE_CLIENT_DISCONNECTING;
                synchronized (this) {
                    if (inFlight.remove(pending.seq, pending)) {
                        queue.addFirst(pending);
                    }
                }
                if (notConnected) {
                    lost(e);
                }
                return false;
            }
            reject(pending, attempt, e);
            return true;
        } catch (RuntimeException e) {
            reject(pending, attempt, e);
            return true;
        }
    }

    private static boolean retriable(int reason) {
        return reason == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED
                || reason == MqttException.REASON_CODE_CLIENT_DISCONNECTING
                || reason == MqttException.REASON_CODE_CONNECT_IN_PROGRESS
                || reason == MqttException.REASON_CODE_MAX_INFLIGHT
                || reason == MqttException.REASON_CODE_NO_MESSAGE_IDS_AVAILABLE;
    }

    private void delivered(Pending pending, int attempt) {
        synchronized (this) {
            if (pending.attempt != attempt || !inFlight.remove(pending.seq, pending)) {
                return;
            }
        }
        pending.result.complete(null);
        drain();
    }

    private void failed(Pending pending, int attempt, Throwable failure) {
        boolean clientConnected = client.isConnected();
        synchronized (this) {
            if (pending.attempt != attempt || !inFlight.containsKey(pending.seq)) {
                return;
            }
            if (state != State.CONNECTED || !clientConnected) {
                // the connection is going: the message goes back to the queue with the others (see lost)
                return;
            }
            inFlight.remove(pending.seq);
        }
        pending.result.complete("mqtt publish to " + pending.topic + " on " + address + " failed: "
                + failure.getMessage());
        drain();
    }

    private void reject(Pending pending, int attempt, Exception e) {
        synchronized (this) {
            if (pending.attempt != attempt || !inFlight.remove(pending.seq, pending)) {
                return;
            }
        }
        pending.result.complete("mqtt publish to " + pending.topic + " on " + address + " failed: "
                + e.getMessage());
    }

    boolean isConnected() {
        synchronized (this) {
            if (state != State.CONNECTED) {
                return false;
            }
        }
        return client.isConnected();
    }

    /** @return messages waiting for the broker, and those handed to the client but not yet confirmed */
    synchronized int queued() {
        return queue.size() + inFlight.size();
    }

    /** @return messages dropped because the queue was full */
    synchronized long dropped() {
        return dropped;
    }

    synchronized long connectAttempts() {
        return connectAttempts;
    }

    /** Closes the client; waiting messages complete with a reason. May wait for the client up to about 1 s. */
    void close() {
        List<Pending> left;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            left = new ArrayList<>(inFlight.values());
            left.addAll(queue);
            inFlight.clear();
            queue.clear();
        }
        left.forEach(p -> p.result.complete("mqtt push to " + address + " discarded: closed"));
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000);
            }
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Disconnecting MQTT push client of {} failed", address, e);
        }
        try {
            client.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("Closing MQTT push client of {} failed", address, e);
        }
    }
}
