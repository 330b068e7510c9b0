package io.karedge.eventbus.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link MqttBroker}: reads the packets and answers them. Every field is
 * touched on the channel's event loop only; other threads reach it through {@link #enqueue} and completion
 * callbacks, which hop onto that loop. Nothing here blocks. What was received and waits for its
 * acknowledgement is in {@link InboundFlow}, what waits to be sent in {@link Outbox}.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter {

    static final String CONNECT_TIMEOUT = "connect-timeout";
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final MqttBroker broker;
    private final Set<String> filters = new HashSet<>();
    private final Set<Integer> qos2Received = new HashSet<>();
    private final InboundFlow inbound;
    private final Outbox outbox;
    private Channel channel;
    private String clientId = "?";
    private boolean connected;
    private Outbox.Outgoing will;

    MqttConnection(MqttBroker broker) {
        this.broker = broker;
        this.inbound = new InboundFlow(this, broker);
        this.outbox = new Outbox(this, broker);
    }

    Channel channel() {
        return channel;
    }

    String clientId() {
        return clientId;
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
            case PUBACK -> outbox.acknowledged(MqttPackets.packetId(message));
            case PUBREL -> {
                qos2Received.remove(MqttPackets.packetId(message));
                ctx.writeAndFlush(MqttPackets.ack(MqttMessageType.PUBCOMP, MqttPackets.packetId(message)));
            }
            case PUBREC, PUBCOMP -> {
                // the broker never sends QoS 2
            }
            case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) message);
            case PINGREQ -> ctx.writeAndFlush(MqttPackets.pingResp());
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
            will = new Outbox.Outgoing(payload.willTopic(), payload.willMessageInBytes(),
                    Math.min(header.willQos(), 2), header.isWillRetain());
        }
        clientId = id;
        connected = true;
        broker.metrics().clientConnected();
        MqttConnection previous = broker.register(id, this);
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
        ctx.writeAndFlush(MqttPackets.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, false));
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
            if (!inbound.waitingFor(packetId)) {
                ctx.writeAndFlush(MqttPackets.ack(MqttMessageType.PUBREC, packetId));
            }
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(message.content());
        CompletionStage<Void> taken = broker.fromClient(topic, payload, qos, message.fixedHeader().isRetain());
        inbound.holdPending(taken, payload.length);
        if (qos == 0) {
            return;
        }
        if (qos == 2) {
            qos2Received.add(packetId);
        }
        inbound.acknowledgeWhenTaken(taken, packetId, qos);
    }

    /** From any thread: reading resumes on the event loop if the budgets allow it. */
    void resumeWhenUnderBudget() {
        onLoop(inbound::resumeIfUnderBudget);
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
        ctx.write(MqttPackets.subAck(message.variableHeader().messageId(), granted));
        for (int i = 0, g = 0; i < accepted.size(); i++) {
            while (granted.get(g) == MqttQoS.FAILURE.value()) {
                g++;
            }
            int qos = granted.get(g++);
            for (Map.Entry<String, MqttBroker.Retained> entry : broker.retainedFor(accepted.get(i))) {
                deliver(new Outbox.Outgoing(entry.getKey(), entry.getValue().payload(),
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
        ctx.writeAndFlush(MqttPackets.unsubAck(message.variableHeader().messageId()));
    }

    /** Queues a message for this client; any thread. */
    void enqueue(String topic, byte[] payload, int qos, boolean retain) {
        onLoop(() -> deliver(new Outbox.Outgoing(topic, payload, qos, retain)));
    }

    private void deliver(Outbox.Outgoing message) {
        if (connected && channel.isActive()) {
            outbox.deliver(message);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (connected) {
            outbox.drain();
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
        outbox.clear();
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
        ctx.writeAndFlush(MqttPackets.connAck(code, false)).addListener(f -> ctx.close());
    }

    void onLoop(Runnable task) {
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
