package io.karedge.eventbus.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What one connection received and has not acknowledged or handed over yet: the QoS 1/2 acknowledgements
 * that wait for the hook (sent in arrival order) and the bytes waiting to be taken over (past the budgets,
 * reading from the connection pauses). Used on the connection's event loop only.
 */
final class InboundFlow {

    /** A received QoS 1/2 message whose acknowledgement waits for the hook. */
    private static final class PendingAck {
        final int packetId;
        final int qos;
        boolean done;

        PendingAck(int packetId, int qos) {
            this.packetId = packetId;
            this.qos = qos;
        }
    }

    private final MqttConnection connection;
    private final MqttBroker broker;
    private final ArrayDeque<PendingAck> acks = new ArrayDeque<>();
    /** payload bytes this client sent that the hook has not taken over yet */
    private long pendingBytes;
    private boolean readingPaused;

    InboundFlow(MqttConnection connection, MqttBroker broker) {
        this.connection = connection;
        this.broker = broker;
    }

    boolean waitingFor(int packetId) {
        return acks.stream().anyMatch(pending -> pending.packetId == packetId);
    }

    /** Acknowledges (PUBACK for QoS 1, PUBREC for QoS 2) when {@code taken} completes, in arrival order. */
    void acknowledgeWhenTaken(CompletionStage<Void> taken, int packetId, int qos) {
        PendingAck pending = new PendingAck(packetId, qos);
        acks.addLast(pending);
        taken.whenComplete((ok, failure) -> connection.onLoop(() -> acknowledge(pending, failure)));
    }

    private void acknowledge(PendingAck pending, Throwable failure) {
        Channel channel = connection.channel();
        if (failure != null) {
            if (channel.isActive()) {
                broker.metrics().error();
                broker.warn("Message {} of client {} was not taken over ({}); closing the connection so it is"
                        + " delivered again", pending.packetId, connection.clientId(), failure.toString());
                channel.close();
            }
            return;
        }
        pending.done = true;
        boolean wrote = false;
        while (!acks.isEmpty() && acks.peekFirst().done) {
            PendingAck due = acks.pollFirst();
            channel.write(MqttPackets.ack(due.qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC,
                    due.packetId));
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /**
     * Counts a received message's bytes until the hook took it over (stored, or refused). Past
     * {@code max.pending.bytes} for this client or {@code max.pending.total.bytes} for all, the broker stops
     * reading from this client (TCP pushes back on it) until enough is taken over: memory stays bounded
     * and nothing is lost.
     */
    void holdPending(CompletionStage<Void> taken, int bytes) {
        CompletableFuture<Void> future = taken.toCompletableFuture();
        if (future.isDone()) {
            return;
        }
        pendingBytes += bytes;
        boolean totalOver = broker.addPending(bytes);
        if (!readingPaused && (pendingBytes > broker.settings().maxPendingBytes() || totalOver)) {
            readingPaused = true;
            connection.channel().config().setAutoRead(false);
            broker.paused(connection, true);
            broker.warn("Client {} has {} bytes waiting to be stored (max.pending.bytes {}, all clients {} of"
                            + " max.pending.total.bytes {}); reading from it paused until they are",
                    connection.clientId(), pendingBytes, broker.settings().maxPendingBytes(), broker.pendingBytes(),
                    broker.settings().maxPendingTotalBytes());
        }
        taken.whenComplete((ok, failure) -> connection.onLoop(() -> {
            pendingBytes -= bytes;
            broker.releasePending(bytes);
            resumeIfUnderBudget();
        }));
    }

    void resumeIfUnderBudget() {
        if (readingPaused && pendingBytes <= broker.settings().maxPendingBytes() && !broker.pendingOverTotal()) {
            readingPaused = false;
            broker.paused(connection, false);
            if (connection.channel().isActive()) {
                connection.channel().config().setAutoRead(true);
            }
        }
    }
}
