package io.karedge.eventbus.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The MQTT session of one client id: its subscriptions, the messages waiting for it, those sent and not
 * acknowledged yet (QoS 1: until PUBACK; QoS 2: until PUBREC, then PUBREL until PUBCOMP) and the QoS 2
 * packet ids it sent whose PUBREL has not come yet. A clean session ends with its connection; a persistent
 * one ({@code cleanSession=0}) outlives it: messages of QoS 1 and 2 that match its subscriptions are queued
 * while the client is away, and with a {@link SessionJournal} everything is written to disk so it also
 * outlives a restart of the node. On reconnect, unacknowledged messages are sent again, with DUP and their
 * packet ids, before anything new.
 *
 * <p>Bounds: {@code max.queued} messages and {@code max.queued.bytes} bytes waiting or in flight (and the
 * broker's {@code max.queued.total.bytes}). A clean session drops the new message when full (the client is
 * connected and not keeping up); a persistent session drops its oldest waiting message (newer state is
 * worth more to a device than older), counted in {@code sessionDropped}. Every method is synchronized: the
 * session is reached from the routing threads and, over its life, from the event loops of several
 * connections.
 */
final class ClientSession {

    /** A message for the client. */
    static final class Outgoing {
        final long seq;
        final String topic;
        final byte[] payload;
        final int qos;
        final boolean retain;
        int packetId;
        /** QoS 2: PUBREC came, PUBREL sent, waiting for PUBCOMP; the payload's bytes are given back */
        boolean released;

        Outgoing(long seq, String topic, byte[] payload, int qos, boolean retain) {
            this.seq = seq;
            this.topic = topic;
            this.payload = payload;
            this.qos = qos;
            this.retain = retain;
        }
    }

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    final String clientId;
    final boolean persistent;
    private final MqttBroker broker;
    private final SessionJournal journal;
    private final Map<String, Integer> subscriptions = new HashMap<>();
    private final Set<Integer> inboundQos2 = new HashSet<>();
    private final ArrayDeque<Outgoing> queued = new ArrayDeque<>();
    private final LinkedHashMap<Integer, Outgoing> inflight = new LinkedHashMap<>();
    private MqttConnection connection;
    private long queuedBytes;
    private int lastPacketId;
    private long lastSeenMillis = System.currentTimeMillis();
    private boolean drainScheduled;
    private boolean ended;

    ClientSession(MqttBroker broker, String clientId, boolean persistent, SessionJournal journal) {
        this.broker = broker;
        this.clientId = clientId;
        this.persistent = persistent;
        this.journal = persistent ? journal : null;
    }

    /** A persistent session as the journal kept it. */
    synchronized void restore(SessionJournal.Image image) {
        // a client that was connected when the node stopped has no last-seen time: its expiry starts now
        lastSeenMillis = image.lastSeenMillis > 0 ? image.lastSeenMillis : System.currentTimeMillis();
        inboundQos2.addAll(image.inboundQos2);
        for (Map.Entry<String, Integer> sub : image.subscriptions.entrySet()) {
            subscriptions.put(sub.getKey(), sub.getValue());
            broker.subscriptions().add(sub.getKey(), this, sub.getValue());
        }
        for (SessionJournal.StoredMessage stored : image.messages.values()) {
            Outgoing message = new Outgoing(stored.seq, stored.topic, stored.payload, stored.qos, stored.retain);
            if (stored.packetId > 0 && !inflight.containsKey(stored.packetId)) {
                message.packetId = stored.packetId;
                message.released = stored.released;
                inflight.put(message.packetId, message);
                lastPacketId = Math.max(lastPacketId, message.packetId);
            } else if (!stored.released) {
                queued.addLast(message);
            }
            if (!message.released) {
                queuedBytes += message.payload.length;
                broker.forceReserveQueued(message.payload.length);
            }
        }
    }

    synchronized boolean connected() {
        return connection != null;
    }

    synchronized MqttConnection connection() {
        return connection;
    }

    synchronized long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** @return messages waiting or in flight (for tests and the benchmark) */
    synchronized int queuedMessages() {
        return queued.size() + inflight.size();
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    // ---- subscriptions ----

    synchronized void subscribe(String filter, int qos) {
        if (ended) {
            return;
        }
        subscriptions.put(filter, qos);
        broker.subscriptions().add(filter, this, qos);
        if (journal != null) {
            journal.subscribed(clientId, filter, qos);
        }
    }

    synchronized void unsubscribe(String filter) {
        if (subscriptions.remove(filter) != null) {
            broker.subscriptions().remove(filter, this);
            if (journal != null) {
                journal.unsubscribed(clientId, filter);
            }
        }
    }

    // ---- messages to the client ----

    /**
     * Queues a message for the client; any thread.
     *
     * @return completes when the message is on disk (persistent session with a journal, QoS 1 or 2), at once
     *         otherwise
     */
    synchronized CompletableFuture<Void> enqueue(String topic, byte[] payload, int qos, boolean retain) {
        if (ended || connection == null && (!persistent || qos == 0)) {
            return DONE;
        }
        long size = payload.length;
        BrokerSettings settings = broker.settings();
        if (persistent) {
            while (!queued.isEmpty() && (queued.size() + inflight.size() >= settings.maxQueued()
                    || queuedBytes + size > settings.maxQueuedBytes())) {
                dropOldest();
            }
        }
        if (queued.size() >= settings.maxQueued()) {
            broker.metrics().error();
            broker.warn("Client {} is not keeping up: message on '{}' dropped (max.queued {})", clientId,
                    BusPayloads.forLog(topic), settings.maxQueued());
            return DONE;
        }
        if (queuedBytes + size > settings.maxQueuedBytes()) {
            broker.metrics().error();
            broker.warn("Client {} is not keeping up: message on '{}' ({} bytes) dropped, {} bytes already wait for it"
                            + " (max.queued.bytes {})", clientId, BusPayloads.forLog(topic), size,
                    queuedBytes, settings.maxQueuedBytes());
            return DONE;
        }
        while (!broker.reserveQueued(size)) {
            if (!persistent || queued.isEmpty()) {
                broker.metrics().error();
                broker.warn("Message on '{}' ({} bytes) for client {} dropped: the broker holds {} bytes for its"
                                + " clients (max.queued.total.bytes {})", BusPayloads.forLog(topic), size, clientId,
                        broker.queuedBytes(), settings.maxQueuedTotalBytes());
                return DONE;
            }
            dropOldest();
        }
        Outgoing message = new Outgoing(broker.nextSeq(), topic, payload, qos, retain);
        queuedBytes += size;
        queued.addLast(message);
        CompletableFuture<Void> written = journal != null && qos > 0
                ? journal.message(clientId, message.seq, topic, payload, qos, retain) : DONE;
        scheduleDrain();
        return written;
    }

    private void dropOldest() {
        Outgoing oldest = queued.pollFirst();
        release(oldest);
        broker.metrics().sessionDropped();
        broker.warn("Persistent session {} is full (max.queued {}, max.queued.bytes {}): its oldest message, on '{}',"
                        + " dropped", clientId, broker.settings().maxQueued(), broker.settings().maxQueuedBytes(),
                BusPayloads.forLog(oldest.topic));
        if (journal != null && oldest.qos > 0) {
            journal.done(clientId, oldest.seq);
        }
    }

    private void scheduleDrain() {
        MqttConnection current = connection;
        if (current != null && !drainScheduled) {
            drainScheduled = true;
            current.onLoop(() -> drain(current));
        }
    }

    /** On {@code from}'s event loop: sends what its channel and {@code max.inflight} allow. */
    synchronized void drain(MqttConnection from) {
        if (from != connection) {
            return;
        }
        drainScheduled = false;
        Channel channel = from.channel();
        boolean wrote = false;
        while (!queued.isEmpty() && channel.isWritable()) {
            Outgoing next = queued.peekFirst();
            if (next.qos > 0) {
                if (inflight.size() >= broker.settings().maxInflight()) {
                    break;
                }
                next.packetId = nextPacketId();
                inflight.put(next.packetId, next);
                if (journal != null && next.qos == 2) {
                    journal.sent(clientId, next.seq, next.packetId);
                }
            }
            queued.pollFirst();
            if (next.qos == 0) {
                release(next); // handed to the channel, whose buffer is bounded by its writability
            }
            channel.write(MqttPackets.publish(next.topic, next.payload, next.qos, next.retain, false, next.packetId));
            broker.metrics().sent();
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** PUBACK. */
    synchronized void acknowledged(MqttConnection from, int packetId) {
        Outgoing message = inflight.get(packetId);
        if (message != null && message.qos == 1) {
            inflight.remove(packetId);
            release(message);
            if (journal != null) {
                journal.done(clientId, message.seq);
            }
        }
        drain(from);
    }

    /** PUBREC: the client has the QoS 2 message; PUBREL is sent (again, for a duplicate PUBREC). */
    synchronized void received(MqttConnection from, int packetId) {
        Outgoing message = inflight.get(packetId);
        if (message != null && message.qos == 2 && !message.released) {
            message.released = true;
            release(message);
            if (journal != null) {
                journal.released(clientId, message.seq);
            }
        }
        from.channel().writeAndFlush(MqttPackets.ack(MqttMessageType.PUBREL, packetId));
    }

    /** PUBCOMP: the QoS 2 delivery is complete. */
    synchronized void completed(MqttConnection from, int packetId) {
        Outgoing message = inflight.get(packetId);
        if (message != null && message.released) {
            inflight.remove(packetId);
            if (journal != null) {
                journal.done(clientId, message.seq);
            }
        }
        drain(from);
    }

    private void release(Outgoing message) {
        queuedBytes -= message.payload.length;
        broker.releaseQueued(message.payload.length);
    }

    private int nextPacketId() {
        do {
            lastPacketId = lastPacketId % 65535 + 1;
        } while (inflight.containsKey(lastPacketId));
        return lastPacketId;
    }

    // ---- QoS 2 messages from the client ----

    /** @return whether the client sent a QoS 2 message with this packet id whose PUBREL has not come yet */
    synchronized boolean receivedQos2(int packetId) {
        return inboundQos2.contains(packetId);
    }

    /** Remembers a QoS 2 packet id until its PUBREL; @return completes when that is on disk */
    synchronized CompletableFuture<Void> receivingQos2(int packetId) {
        inboundQos2.add(packetId);
        return journal != null ? journal.inboundReceived(clientId, packetId) : DONE;
    }

    synchronized void releasedQos2(int packetId) {
        if (inboundQos2.remove(packetId) && journal != null) {
            journal.inboundReleased(clientId, packetId);
        }
    }

    // ---- connections ----

    /** On {@code next}'s event loop, after its CONNACK: sends the unacknowledged messages again, then the rest. */
    synchronized void attach(MqttConnection next) {
        connection = next;
        drainScheduled = false;
        Channel channel = next.channel();
        for (Outgoing message : inflight.values()) {
            if (message.released) {
                channel.write(MqttPackets.ack(MqttMessageType.PUBREL, message.packetId));
            } else {
                channel.write(MqttPackets.publish(message.topic, message.payload, message.qos, message.retain, true,
                        message.packetId));
                broker.metrics().sent();
            }
        }
        channel.flush();
        drain(next);
    }

    /** @return whether {@code from} was this session's connection (it is not any more) */
    synchronized boolean detach(MqttConnection from) {
        if (connection != from) {
            return false;
        }
        connection = null;
        drainScheduled = false;
        if (persistent) {
            lastSeenMillis = System.currentTimeMillis();
            if (journal != null) {
                journal.seen(clientId, lastSeenMillis);
            }
        } else {
            end();
        }
        return true;
    }

    /** The session is over: subscriptions removed, messages dropped, its bytes given back. */
    synchronized void end() {
        if (ended) {
            return;
        }
        ended = true;
        for (String filter : subscriptions.keySet()) {
            broker.subscriptions().remove(filter, this);
        }
        subscriptions.clear();
        queued.forEach(this::release);
        inflight.values().stream().filter(message -> !message.released).forEach(this::release);
        queued.clear();
        inflight.clear();
        inboundQos2.clear();
        connection = null;
        if (journal != null) {
            journal.ended(clientId);
        }
    }

    synchronized List<String> filters() {
        return new ArrayList<>(subscriptions.keySet());
    }
}
