package io.karedge.eventbus.internal;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The messages waiting for one client and those sent to it and not acknowledged yet, within the per-client
 * and all-clients budgets ({@code max.queued}, {@code max.inflight}, {@code max.queued.bytes},
 * {@code max.queued.total.bytes}). Used on the connection's event loop only.
 */
final class Outbox {

    record Outgoing(String topic, byte[] payload, int qos, boolean retain) {
    }

    private final MqttConnection connection;
    private final MqttBroker broker;
    private final Map<Integer, Outgoing> inflight = new HashMap<>();
    private final ArrayDeque<Outgoing> queued = new ArrayDeque<>();
    private int lastPacketId;
    /** payload bytes of {@link #queued} and {@link #inflight}, also taken from the broker's total budget */
    private long queuedBytes;

    Outbox(MqttConnection connection, MqttBroker broker) {
        this.connection = connection;
        this.broker = broker;
    }

    void deliver(Outgoing message) {
        String clientId = connection.clientId();
        if (queued.size() >= broker.settings().maxQueued()) {
            broker.metrics().error();
            broker.warn("Client {} is not keeping up: message on '{}' dropped (max.queued {})", clientId,
                    BusPayloads.forLog(message.topic()), broker.settings().maxQueued());
            return;
        }
        long size = message.payload().length;
        if (queuedBytes + size > broker.settings().maxQueuedBytes()) {
            broker.metrics().error();
            broker.warn("Client {} is not keeping up: message on '{}' ({} bytes) dropped, {} bytes already wait for it"
                            + " (max.queued.bytes {})", clientId, BusPayloads.forLog(message.topic()), size,
                    queuedBytes, broker.settings().maxQueuedBytes());
            return;
        }
        if (!broker.reserveQueued(size)) {
            broker.metrics().error();
            broker.warn("Message on '{}' ({} bytes) for client {} dropped: the broker holds {} bytes for its clients"
                            + " (max.queued.total.bytes {})", BusPayloads.forLog(message.topic()), size, clientId,
                    broker.queuedBytes(), broker.settings().maxQueuedTotalBytes());
            return;
        }
        queuedBytes += size;
        queued.addLast(message);
        drain();
    }

    /** A PUBACK arrived. */
    void acknowledged(int packetId) {
        Outgoing acknowledged = inflight.remove(packetId);
        if (acknowledged != null) {
            release(acknowledged);
        }
        drain();
    }

    /** Sends what the channel and {@code max.inflight} allow. */
    void drain() {
        Channel channel = connection.channel();
        boolean wrote = false;
        while (!queued.isEmpty() && channel.isWritable()) {
            Outgoing next = queued.peekFirst();
            int packetId = 0;
            if (next.qos() > 0) {
                if (inflight.size() >= broker.settings().maxInflight()) {
                    break;
                }
                packetId = nextPacketId();
                inflight.put(packetId, next);
            }
            queued.pollFirst();
            if (next.qos() == 0) {
                release(next); // handed to the channel, whose buffer is bounded by its writability
            }
            channel.write(MqttPackets.publish(next.topic(), next.payload(), next.qos(), next.retain(), false, packetId));
            broker.metrics().sent();
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** The connection ended: everything is dropped and its bytes given back. */
    void clear() {
        queued.forEach(this::release);
        inflight.values().forEach(this::release);
        queued.clear();
        inflight.clear();
    }

    private void release(Outgoing message) {
        queuedBytes -= message.payload().length;
        broker.releaseQueued(message.payload().length);
    }

    private int nextPacketId() {
        do {
            lastPacketId = lastPacketId % 65535 + 1;
        } while (inflight.containsKey(lastPacketId));
        return lastPacketId;
    }
}
