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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link MqttBroker}: checks the CONNECT's credentials, reads the packets
 * and answers them, within the client's rights. Every field is touched on the channel's event loop only;
 * other threads reach it through completion callbacks, which hop onto that loop. Nothing here blocks (the
 * password check runs on the {@link AccessControl}'s thread while reading is paused). What was received and
 * waits for its acknowledgement is in {@link InboundFlow}; the subscriptions and the messages for the
 * client are in its {@link ClientSession}, which may outlive the connection.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter {

    static final String CONNECT_TIMEOUT = "connect-timeout";
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final MqttBroker broker;
    private record Will(String topic, byte[] payload, int qos, boolean retain) {
    }

    private final InboundFlow inbound;
    private Channel channel;
    private String clientId = "?";
    private String user;
    private boolean connected;
    private boolean authenticating;
    /** packets that arrived while the password was being checked, handled once it is */
    private final ArrayDeque<MqttMessage> early = new ArrayDeque<>();
    private ClientSession session;
    private Will will;

    MqttConnection(MqttBroker broker) {
        this.broker = broker;
        this.inbound = new InboundFlow(this, broker);
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
        if (authenticating && msg instanceof MqttMessage message) {
            early.addLast(message); // released when handled
            return;
        }
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
            case PUBACK -> session.acknowledged(this, MqttPackets.packetId(message));
            case PUBREC -> session.received(this, MqttPackets.packetId(message));
            case PUBCOMP -> session.completed(this, MqttPackets.packetId(message));
            case PUBREL -> {
                int packetId = MqttPackets.packetId(message);
                if (inbound.waitingFor(packetId)) {
                    violation(ctx, "PUBREL for packet " + packetId + " before its PUBREC");
                    return;
                }
                session.releasedQos2(packetId);
                ctx.writeAndFlush(MqttPackets.ack(MqttMessageType.PUBCOMP, packetId));
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
            will = new Will(payload.willTopic(), payload.willMessageInBytes(), Math.min(header.willQos(), 2),
                    header.isWillRetain());
        }
        clientId = id;
        user = header.hasUserName() ? payload.userName() : null;
        byte[] password = header.hasPassword() ? payload.passwordInBytes() : null;
        String certified = certifiedUser(ctx);
        if (certified != null) {
            user = certified; // the TLS listener verified the client's certificate: its CN is the user
            authenticated(ctx, header, MqttConnectReturnCode.CONNECTION_ACCEPTED);
            return;
        }
        CompletableFuture<MqttConnectReturnCode> checked =
                broker.access().authenticate(user, password).toCompletableFuture();
        if (checked.isDone()) {
            authenticated(ctx, header, checked.join());
            return;
        }
        authenticating = true;
        channel.config().setAutoRead(false);
        checked.whenComplete((code, failure) -> onLoop(() -> {
            authenticating = false;
            if (!channel.isActive()) {
                early.forEach(ReferenceCountUtil::release);
                early.clear();
                return;
            }
            channel.config().setAutoRead(true);
            authenticated(ctx, header, failure != null ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE
                    : code);
            while (!early.isEmpty() && channel.isActive()) {
                channelRead(ctx, early.pollFirst());
            }
            early.forEach(ReferenceCountUtil::release);
            early.clear();
        }));
    }

    /** @return the CN of the client certificate the TLS listener verified, or null (plain listener) */
    private static String certifiedUser(ChannelHandlerContext ctx) {
        io.netty.handler.ssl.SslHandler tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            java.security.cert.Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            String subject = ((java.security.cert.X509Certificate) chain[0]).getSubjectX500Principal().getName();
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(subject).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return subject;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
            return null;
        }
    }

    private void authenticated(ChannelHandlerContext ctx, MqttConnectVariableHeader header, MqttConnectReturnCode code) {
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            broker.metrics().refusedConnection();
            broker.warn("MQTT connection of client {} (user {}) from {} refused: {}", BusPayloads.forLog(clientId),
                    user == null ? "none" : BusPayloads.forLog(user), channel.remoteAddress(), code == MqttConnectReturnCode
                            .CONNECTION_REFUSED_NOT_AUTHORIZED ? "anonymous access is off (allow.anonymous)" : code);
            will = null;
            refuse(ctx, code);
            return;
        }
        connected = true;
        broker.metrics().clientConnected();
        MqttBroker.Opened opened = broker.open(clientId, header.isCleanSession(), this);
        session = opened.session();
        ctx.pipeline().remove(CONNECT_TIMEOUT);
        int keepAlive = header.keepAliveTimeSeconds();
        if (keepAlive > 0) {
            ctx.pipeline().addFirst("keep-alive",
                    new IdleStateHandler(keepAlive + (keepAlive + 1) / 2, 0, 0, TimeUnit.SECONDS));
        }
        ctx.writeAndFlush(MqttPackets.connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED, opened.present()));
        session.attach(this);
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
        if (qos == 2 && session.receivedQos2(packetId)) {
            if (!inbound.waitingFor(packetId)) {
                ctx.writeAndFlush(MqttPackets.ack(MqttMessageType.PUBREC, packetId));
            }
            return;
        }
        if (!broker.access().canPublish(user, clientId, topic)) {
            refusedPublish(topic, qos, packetId);
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(message.content());
        CompletionStage<Void> taken = broker.fromClient(topic, payload, qos, message.fixedHeader().isRetain());
        inbound.holdPending(taken, payload.length);
        if (qos == 0) {
            return;
        }
        if (qos == 2) {
            // a message that was not taken over is forgotten, so that the client's resend is handled anew
            taken = CompletableFuture.allOf(taken.toCompletableFuture(), session.receivingQos2(packetId))
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            session.releasedQos2(packetId);
                        }
                    });
        }
        inbound.acknowledgeWhenTaken(taken, packetId, qos);
    }

    /**
     * A PUBLISH the client may not send: dropped, counted, one rate-limited WARN line. QoS 1 and 2 are still
     * acknowledged (in order with the others): MQTT 3.1.1 has no negative acknowledgement, and a client whose
     * message is never acknowledged sends it again on every reconnect, for ever (mosquitto answers the same way).
     */
    private void refusedPublish(String topic, int qos, int packetId) {
        broker.metrics().refusedPublish();
        broker.warn("Client {} (user {}) may not publish on '{}'{}; message dropped", clientId,
                user == null ? "none" : BusPayloads.forLog(user), BusPayloads.forLog(topic),
                Topics.isNodeOutput(topic) ? " (only the node publishes there)" : " (acl.file)");
        if (qos == 2) {
            inbound.acknowledgeWhenTaken(session.receivingQos2(packetId), packetId, qos);
        } else if (qos == 1) {
            inbound.acknowledgeWhenTaken(CompletableFuture.completedFuture(null), packetId, qos);
        }
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
            if (!broker.access().canSubscribe(user, clientId, filter)) {
                broker.metrics().refusedSubscription();
                broker.warn("Client {} (user {}) may not subscribe to '{}' (acl.file); answered 0x80", clientId,
                        user == null ? "none" : BusPayloads.forLog(user), BusPayloads.forLog(filter));
                granted.add(MqttQoS.FAILURE.value());
                continue;
            }
            int qos = requested;
            session.subscribe(filter, qos);
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
                session.enqueue(entry.getKey(), entry.getValue().payload(), Math.min(qos, entry.getValue().qos()), true);
            }
        }
        ctx.flush();
    }

    private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage message) {
        for (String filter : message.payload().topics()) {
            session.unsubscribe(filter);
        }
        ctx.writeAndFlush(MqttPackets.unsubAck(message.variableHeader().messageId()));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (connected) {
            session.drain(this);
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
            broker.closed(session, this);
            if (will != null) {
                if (broker.access().canPublish(user, clientId, will.topic())) {
                    broker.fromClient(will.topic(), will.payload(), will.qos(), will.retain());
                } else {
                    refusedWill();
                }
                will = null;
            }
        }
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        broker.paused(this, false);
        ctx.fireChannelInactive();
    }

    private void refusedWill() {
        broker.metrics().refusedPublish();
        broker.warn("Will of client {} (user {}) on '{}' dropped: it may not publish there", clientId,
                user == null ? "none" : BusPayloads.forLog(user), BusPayloads.forLog(will.topic()));
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
