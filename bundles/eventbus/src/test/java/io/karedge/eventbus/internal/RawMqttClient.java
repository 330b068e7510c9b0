package io.karedge.eventbus.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A test client that speaks MQTT 3.1.1 packet by packet (Netty's codec over a plain socket), for what Paho
 * hides: DUP flags, packet ids, not answering a PUBLISH, not pinging.
 */
final class RawMqttClient implements AutoCloseable {

    private final Socket socket;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(16 * 1024 * 1024));

    RawMqttClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
    }

    /** Sends CONNECT; @return the CONNACK */
    MqttConnAckMessage connect(String clientId, boolean clean, int keepAlive, String user, String password)
            throws IOException {
        MqttMessageBuilders.ConnectBuilder builder = MqttMessageBuilders.connect().clientId(clientId)
                .cleanSession(clean).keepAlive(keepAlive).protocolVersion(MqttVersion.MQTT_3_1_1);
        if (user != null) {
            builder.hasUser(true).username(user);
        }
        if (password != null) {
            builder.hasPassword(true).password(password.getBytes(StandardCharsets.UTF_8));
        }
        MqttConnectMessage connect = builder.build();
        send(connect);
        return (MqttConnAckMessage) expect(MqttMessageType.CONNACK);
    }

    /** Sends CONNECT with a last will (QoS 1); @return the CONNACK */
    MqttConnAckMessage connectWithWill(String clientId, int keepAlive, String willTopic, String willMessage)
            throws IOException {
        send(MqttMessageBuilders.connect().clientId(clientId).cleanSession(true).keepAlive(keepAlive)
                .protocolVersion(MqttVersion.MQTT_3_1_1).willFlag(true).willTopic(willTopic)
                .willMessage(willMessage.getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_LEAST_ONCE).build());
        return (MqttConnAckMessage) expect(MqttMessageType.CONNACK);
    }

    void send(MqttMessage message) throws IOException {
        encoder.writeOutbound(message);
        ByteBuf out;
        while ((out = encoder.readOutbound()) != null) {
            socket.getOutputStream().write(ByteBufUtil.getBytes(out));
            out.release();
        }
        socket.getOutputStream().flush();
    }

    void publish(String topic, String payload, int qos, int packetId) throws IOException {
        send(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(packetId)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build());
    }

    void subscribe(String filter, int qos, int packetId) throws IOException {
        send(MqttMessageBuilders.subscribe().messageId(packetId).addSubscription(MqttQoS.valueOf(qos), filter).build());
    }

    void ack(MqttMessageType type, int packetId) throws IOException {
        send(MqttPackets.ack(type, packetId));
    }

    /** @return the next packet, or null if none came within {@code millis} (or the connection closed) */
    MqttMessage read(int millis) throws IOException {
        MqttMessage ready = decoder.readInbound();
        if (ready != null) {
            return ready;
        }
        socket.setSoTimeout(millis);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[65536];
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (n < 0) {
                return null;
            }
            decoder.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
            ready = decoder.readInbound();
            if (ready != null) {
                return ready;
            }
        }
        return null;
    }

    MqttMessage expect(MqttMessageType type) throws IOException {
        MqttMessage message = read(10_000);
        if (message == null || message.fixedHeader().messageType() != type) {
            throw new AssertionError("expected " + type + ", got " + (message == null ? "nothing" : message.fixedHeader()));
        }
        return message;
    }

    /** @return whether the server closed the connection within {@code millis} */
    boolean closedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static String text(MqttPublishMessage publish) {
        return publish.content().toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
