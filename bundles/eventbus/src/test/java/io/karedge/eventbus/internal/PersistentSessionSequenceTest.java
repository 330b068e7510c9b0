package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random interleavings of publishes (QoS 1 and 2), subscribers of persistent sessions that go away (politely,
 * or with acknowledgements unsent), come back, and restarts of the broker: every message the broker
 * acknowledged reaches every subscriber at least once, and exactly once where publisher and subscription are
 * both QoS 2. The subscribers speak MQTT packet by packet and keep their own session state (QoS 2 ids
 * received and not released) as a conforming client does. Seed: {@code -Dkaredge.seed=...}; it is printed on
 * failure.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PersistentSessionSequenceTest {

    @TempDir
    Path dir;

    private final TestBroker broker = new TestBroker();
    private final FakeTwinEngine engine = broker.engine;
    private final BusMetrics metrics = broker.metrics;
    private EmbeddedBus bus;
    private int port;

    private void start() throws Exception {
        bus = broker.start(BrokerSettings.loopback(port), BrokerAccess.anonymous(),
                new SessionSettings(dir.resolve("sessions.journal"), 3600, true));
        port = bus.port();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** A subscriber with a persistent session; its client-side state survives its reconnects. */
    private final class Subscriber {
        final String id;
        final int qos;
        final Set<Integer> inboundQos2 = new HashSet<>();
        final Map<String, Integer> received = new HashMap<>();
        RawMqttClient connection;

        Subscriber(String id, int qos) {
            this.id = id;
            this.qos = qos;
        }

        void connect() throws IOException {
            connection = new RawMqttClient(port);
            connection.connect(id, false, 60, null, null);
        }

        /** Reads what came and answers it; with {@code answer} false, PUBLISHes are taken but not acknowledged. */
        void pump(boolean answer) throws IOException {
            MqttMessage message;
            while (connection != null && (message = connection.read(40)) != null) {
                MqttMessageType type = message.fixedHeader().messageType();
                if (type == MqttMessageType.PUBLISH) {
                    MqttPublishMessage publish = (MqttPublishMessage) message;
                    int packetId = publish.variableHeader().packetId();
                    int q = publish.fixedHeader().qosLevel().value();
                    String text = RawMqttClient.text(publish);
                    publish.release();
                    if (q < 2 || !inboundQos2.contains(packetId)) {
                        received.merge(text, 1, Integer::sum);
                    }
                    if (q == 2) {
                        inboundQos2.add(packetId);
                    }
                    if (answer && q > 0) {
                        connection.ack(q == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId);
                    }
                } else if (type == MqttMessageType.PUBREL) {
                    int packetId = MqttPackets.packetId(message);
                    inboundQos2.remove(packetId);
                    if (answer) {
                        connection.ack(MqttMessageType.PUBCOMP, packetId);
                    }
                }
            }
        }

        void disconnect() throws IOException {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }

    private record Published(String text, int qos) {
    }

    @RepeatedTest(3)
    void acknowledgedMessagesReachPersistentSubscribersAcrossReconnectsAndRestarts() throws Exception {
        long seed = Long.getLong("karedge.seed", System.nanoTime());
        try {
            run(seed);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("PersistentSessionSequenceTest failed with seed " + seed
                    + " (rerun with -Dkaredge.seed=" + seed + ")", e);
        }
    }

    private void run(long seed) throws Exception {
        Random random = new Random(seed);
        start();
        List<Subscriber> subscribers = List.of(new Subscriber("s1", 1), new Subscriber("s2", 2),
                new Subscriber("s3", 2));
        for (Subscriber subscriber : subscribers) {
            subscriber.connect();
            subscriber.connection.subscribe("seq/#", subscriber.qos, 1);
            subscriber.connection.expect(MqttMessageType.SUBACK);
        }
        List<Published> published = new ArrayList<>();
        RawMqttClient publisher = null;
        int nextPacketId = 1;
        for (int step = 0; step < 160; step++) {
            int dice = random.nextInt(100);
            Subscriber subscriber = subscribers.get(random.nextInt(subscribers.size()));
            if (dice < 60) {
                if (publisher == null) {
                    publisher = new RawMqttClient(port);
                    publisher.connect("publisher", true, 60, null, null);
                }
                int qos = 1 + random.nextInt(2);
                String text = "m" + step;
                int packetId = nextPacketId++ % 65535 + 1;
                publisher.publish("seq/" + random.nextInt(3), text, qos, packetId);
                if (qos == 1) {
                    publisher.expect(MqttMessageType.PUBACK);
                } else {
                    publisher.expect(MqttMessageType.PUBREC);
                    publisher.ack(MqttMessageType.PUBREL, packetId);
                    publisher.expect(MqttMessageType.PUBCOMP);
                }
                published.add(new Published(text, qos));
            } else if (dice < 72) {
                subscriber.pump(true);
            } else if (dice < 80) {
                subscriber.pump(random.nextBoolean()); // some acknowledgements lost with the connection
                subscriber.disconnect();
            } else if (dice < 92) {
                if (subscriber.connection == null) {
                    subscriber.connect();
                }
            } else {
                if (publisher != null) {
                    publisher.close();
                    publisher = null;
                }
                bus.close();
                for (Subscriber s : subscribers) {
                    s.disconnect();
                }
                start();
            }
        }
        if (publisher != null) {
            publisher.close();
        }
        for (Subscriber subscriber : subscribers) {
            if (subscriber.connection == null) {
                subscriber.connect();
            }
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && !allArrived(subscribers, published)) {
            for (Subscriber subscriber : subscribers) {
                subscriber.pump(true);
            }
        }
        for (Subscriber subscriber : subscribers) {
            for (Published message : published) {
                int count = subscriber.received.getOrDefault(message.text(), 0);
                assertThat(count).as("%s received %s (QoS %d)", subscriber.id, message.text(), message.qos())
                        .isPositive();
                if (Math.min(message.qos(), subscriber.qos) == 2) {
                    assertThat(count).as("%s received QoS 2 %s exactly once", subscriber.id, message.text())
                            .isEqualTo(1);
                }
            }
            subscriber.disconnect();
        }
        assertThat(metrics.sessionDroppedCount()).isZero();
    }

    private static boolean allArrived(List<Subscriber> subscribers, List<Published> published) {
        for (Subscriber subscriber : subscribers) {
            for (Published message : published) {
                if (!subscriber.received.containsKey(message.text())) {
                    return false;
                }
            }
        }
        return true;
    }
}
