package io.karedge.eventbus.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link MqttBroker}. Every field is touched on the channel's event loop
 * only; other threads reach it through {@link #enqueue} and completion callbacks, which hop onto that
 * loop. Nothing here blocks.
 */
final class MqttSession extends ChannelInboundHandlerAdapter {

    static final String CONNECT_TIMEOUT = "connect-timeout";
    private static final Logger LOG = LoggerFactory.getLogger(MqttSession.class);

    private record Outgoing(String topic, byte[] payload, int qos, boolean retain) {
    }

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

    private final MqttBroker broker;
    private final Set<String> filters = new HashSet<>();
    private final ArrayDeque<PendingAck> acks = new ArrayDeque<>();
    private final Set<Integer> qos2Received = new HashSet<>();
    private final Map<Integer, Outgoing> inflight = new HashMap<>();
    private final ArrayDeque<Outgoing> queued = new ArrayDeque<>();
    private Channel channel;
    private String clientId = "?";
    private boolean connected;
    private Outgoing will;
    private int lastPacketId;
    /** payload bytes of {@link #queued} and {@link #inflight}, also taken from the broker's total budget */
    private long queuedBytes;
    /** payload bytes this client sent that the hook has not taken over yet */
    private long pendingBytes;
    private boolean readingPaused;

    MqttSession(MqttBroker broker) {
        this.broker = broker;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof MqttMessage message) {
                handle(ctx, message);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, MqttMessage message) {
        DecoderResult result = message.decoderResult();
        if (result.isFailure()) {
            malformed(ctx, result.cause());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (!connected) {
            if (type == MqttMessageType.CONNECT) {
                connect(ctx, (MqttConnectMessage) message);
            } else {
                violation(ctx, "first packet is " + type + ", not CONNECT");
            }
            return;
        }
        switch (type) {
            case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
            case PUBACK -> {
                Outgoing acknowledged = inflight.remove(packetId(message));
                if (acknowledged != null) {
                    release(acknowledged);
                }
                drain();
            }
            case PUBREL -> {
                qos2Received.remove(packetId(message));
                ctx.writeAndFlush(ack(MqttMessageType.PUBCOMP, packetId(message)));
            }
            case PUBREC, PUBCOMP -> {
                // the broker never sends QoS 2
            }
            case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) message);
            case PINGREQ -> ctx.writeAndFlush(new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
            case DISCONNECT -> {
                will = null;
                ctx.close();
            }
            default -> violation(ctx, "unexpected " + type);
        }
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage message) {
        MqttConnectVariableHeader header = message.variableHeader();
        MqttConnectPayload payload = message.payload();
        if (header.version() != 3 && header.version() != 4) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            return;
        }
        String id = payload.clientIdentifier();
        if (id == null || id.isEmpty()) {
            if (!header.isCleanSession()) {
                refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
                return;
            }
            id = broker.newClientId();
        }
        if (header.isWillFlag()) {
            if (!Topics.isValidName(payload.willTopic())) {
                violation(ctx, "invalid will topic");
                return;
            }
            will = new Outgoing(payload.willTopic(), payload.willMessageInBytes(), Math.min(header.willQos(), 2),
                    header.isWillRetain());
        }
        clientId = id;
        connected = true;
        broker.metrics().clientConnected();
        MqttSession previous = broker.register(id, this);
        if (previous != null && previous != this) {
            LOG.debug("Client {} connected again; closing its previous connection", id);
            previous.channel.close();
        }
        ctx.pipeline().remove(CONNECT_TIMEOUT);
        int keepAlive = header.keepAliveTimeSeconds();
        if (keepAlive > 0) {
            ctx.pipeline().addFirst("keep-alive",
                    new IdleStateHandler(keepAlive + (keepAlive + 1) / 2, 0, 0, TimeUnit.SECONDS));
        }
        ctx.writeAndFlush(new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(MqttConnectReturnCode.CONNECTION_ACCEPTED, false)));
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage message) {
        String topic = message.variableHeader().topicName();
        int qos = message.fixedHeader().qosLevel().value();
        int packetId = message.variableHeader().packetId();
        if (!Topics.isValidName(topic) || qos > 2) {
            broker.metrics().rejected();
            broker.warn("Client {} published on an illegal topic name '{}' (QoS {}); connection closed", clientId,
                    BusPayloads.forLog(topic), qos);
            ctx.close();
            return;
        }
        broker.metrics().received();
        if (qos == 2 && qos2Received.contains(packetId)) {
            if (acks.stream().noneMatch(pending -> pending.packetId == packetId)) {
                ctx.writeAndFlush(ack(MqttMessageType.PUBREC, packetId));
            }
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(message.content());
        CompletionStage<Void> taken = broker.fromClient(topic, payload, qos, message.fixedHeader().isRetain());
        holdPending(taken, payload.length);
        if (qos == 0) {
            return;
        }
        if (qos == 2) {
            qos2Received.add(packetId);
        }
        PendingAck pending = new PendingAck(packetId, qos);
        acks.addLast(pending);
        taken.whenComplete((ok, failure) -> onLoop(() -> acknowledge(pending, failure)));
    }

    /**
     * Counts a received message's bytes until the hook took it over (stored, or refused). Past
     * {@code max.pending.bytes} for this client or {@code max.pending.total.bytes} for all, the broker stops
     * reading from this client (TCP pushes back on it) until enough is taken over: memory stays bounded
     * and nothing is lost.
     */
    private void holdPending(CompletionStage<Void> taken, int bytes) {
        CompletableFuture<Void> future = taken.toCompletableFuture();
        if (future.isDone()) {
            return;
        }
        pendingBytes += bytes;
        boolean totalOver = broker.addPending(bytes);
        if (!readingPaused && (pendingBytes > broker.settings().maxPendingBytes() || totalOver)) {
            readingPaused = true;
            channel.config().setAutoRead(false);
            broker.paused(this, true);
            broker.warn("Client {} has {} bytes waiting to be stored (max.pending.bytes {}, all clients {} of"
                            + " max.pending.total.bytes {}); reading from it paused until they are", clientId,
                    pendingBytes, broker.settings().maxPendingBytes(), broker.pendingBytes(),
                    broker.settings().maxPendingTotalBytes());
        }
        taken.whenComplete((ok, failure) -> onLoop(() -> {
            pendingBytes -= bytes;
            broker.releasePending(bytes);
            resumeIfUnderBudget();
        }));
    }

    /** From any thread: reading resumes on the event loop if the budgets allow it. */
    void resumeWhenUnderBudget() {
        onLoop(this::resumeIfUnderBudget);
    }

    private void resumeIfUnderBudget() {
        if (readingPaused && pendingBytes <= broker.settings().maxPendingBytes() && !broker.pendingOverTotal()) {
            readingPaused = false;
            broker.paused(this, false);
            if (channel.isActive()) {
                channel.config().setAutoRead(true);
            }
        }
    }

    /** Sends every acknowledgement that is due, in arrival order. */
    private void acknowledge(PendingAck pending, Throwable failure) {
        if (failure != null) {
            if (channel.isActive()) {
                broker.metrics().error();
                broker.warn("Message {} of client {} was not taken over ({}); closing the connection so it is"
                        + " delivered again", pending.packetId, clientId, failure.toString());
                channel.close();
            }
            return;
        }
        pending.done = true;
        boolean wrote = false;
        while (!acks.isEmpty() && acks.peekFirst().done) {
            PendingAck due = acks.pollFirst();
            channel.write(ack(due.qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, due.packetId));
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage message) {
        List<Integer> granted = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (MqttTopicSubscription subscription : message.payload().topicSubscriptions()) {
            String filter = subscription.topicFilter();
            int requested = subscription.qualityOfService().value();
            if (!Topics.isValidFilter(filter) || requested > 2) {
                granted.add(MqttQoS.FAILURE.value());
                continue;
            }
            int qos = Math.min(requested, 1);
            broker.subscriptions().add(filter, this, qos);
            filters.add(filter);
            accepted.add(filter);
            granted.add(qos);
        }
        ctx.write(new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(message.variableHeader().messageId()),
                new MqttSubAckPayload(granted)));
        for (int i = 0, g = 0; i < accepted.size(); i++) {
            while (granted.get(g) == MqttQoS.FAILURE.value()) {
                g++;
            }
            int qos = granted.get(g++);
            for (Map.Entry<String, MqttBroker.Retained> entry : broker.retainedFor(accepted.get(i))) {
                deliver(new Outgoing(entry.getKey(), entry.getValue().payload(),
                        Math.min(qos, entry.getValue().qos()), true));
            }
        }
        ctx.flush();
    }

    private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage message) {
        for (String filter : message.payload().topics()) {
            broker.subscriptions().remove(filter, this);
            filters.remove(filter);
        }
        ctx.writeAndFlush(new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(message.variableHeader().messageId())));
    }

    /** Queues a message for this client; any thread. */
    void enqueue(String topic, byte[] payload, int qos, boolean retain) {
        onLoop(() -> deliver(new Outgoing(topic, payload, qos, retain)));
    }

    private void deliver(Outgoing message) {
        if (!connected || !channel.isActive()) {
            return;
        }
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

    private void drain() {
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
            channel.write(new MqttPublishMessage(
                    new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(next.qos()), next.retain(), 0),
                    new MqttPublishVariableHeader(next.topic(), packetId), Unpooled.wrappedBuffer(next.payload())));
            broker.metrics().sent();
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
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

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (connected) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            LOG.debug("Client {} sent nothing within its keep-alive (or CONNECT timeout); closing", clientId);
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Client {}: {}", clientId, cause.toString());
        } else {
            broker.warn("Client {}: {}; connection closed", clientId, cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connected) {
            connected = false;
            broker.metrics().clientDisconnected();
            broker.unregister(clientId, this);
            for (String filter : filters) {
                broker.subscriptions().remove(filter, this);
            }
            if (will != null) {
                broker.fromClient(will.topic(), will.payload(), will.qos(), will.retain());
                will = null;
            }
        }
        broker.paused(this, false);
        filters.clear();
        queued.forEach(this::release);
        inflight.values().forEach(this::release);
        queued.clear();
        inflight.clear();
        ctx.fireChannelInactive();
    }

    private void malformed(ChannelHandlerContext ctx, Throwable cause) {
        if (!connected && cause instanceof MqttUnacceptableProtocolVersionException) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            return;
        }
        if (!connected && cause instanceof MqttIdentifierRejectedException) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        broker.metrics().rejected();
        if (cause instanceof TooLongFrameException) {
            broker.warn("Client {} sent a packet larger than max.message.size ({} bytes); connection closed",
                    clientId, broker.settings().maxMessageSize());
        } else {
            broker.warn("Client {} sent a malformed packet ({}); connection closed", clientId, String.valueOf(cause));
        }
        ctx.close();
    }

    private void violation(ChannelHandlerContext ctx, String what) {
        broker.metrics().rejected();
        broker.warn("Client {} broke the protocol ({}); connection closed", clientId, what);
        ctx.close();
    }

    private static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
        ctx.writeAndFlush(new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(code, false))).addListener(f -> ctx.close());
    }

    private static MqttMessage ack(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(packetId));
    }

    private static int packetId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    private void onLoop(Runnable task) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.debug("Client {}: broker is stopping, task dropped", clientId);
            }
        }
    }
}
