package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Persistent sessions ({@code cleanSession=0}) and QoS 2 of the embedded broker, across reconnects and restarts. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PersistentSessionTest {

    @TempDir
    Path dir;

    private final TestBroker broker = new TestBroker();
    private final FakeTwinEngine engine = broker.engine;
    private final BusMetrics metrics = broker.metrics;
    private EmbeddedBus bus;
    private int port;
    private BrokerSettings settings = BrokerSettings.loopback(0);
    private SessionSettings sessions;

    private void start() throws Exception {
        if (sessions == null) {
            sessions = new SessionSettings(dir.resolve("sessions.journal"), 3600, true);
        }
        bus = broker.start(port == 0 ? settings : withPort(settings, port), BrokerAccess.anonymous(), sessions);
        port = bus.port();
    }

    private void restart() throws Exception {
        bus.close();
        start();
    }

    private static BrokerSettings withPort(BrokerSettings s, int port) {
        return new BrokerSettings(s.host(), port, s.maxMessageSize(), s.maxInflight(), s.maxQueued(), s.maxRetained(),
                s.connectTimeoutSecs(), s.ioThreads(), s.maxRetainedBytes(), s.maxQueuedBytes(),
                s.maxQueuedTotalBytes(), s.maxPendingBytes(), s.maxPendingTotalBytes());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void offlineMessagesOfQos1And2AreQueuedAndDeliveredWithSessionPresent() throws Exception {
        start();
        subscribeAndLeave("sub", "q/#", 2);
        try (PahoClient publisher = new PahoClient(bus.address(), "pub")) {
            publisher.publish("q/1", bytes("one"), 1).waitForCompletion(10_000);
            publisher.publish("q/2", bytes("two"), 2).waitForCompletion(10_000);
            publisher.publish("q/0", bytes("zero"), 0).waitForCompletion(10_000);
        }
        try (Persistent sub = Persistent.connect(bus.address(), "sub")) {
            assertThat(sub.sessionPresent).isTrue();
            assertThat(sub.client.next().text()).isEqualTo("one");
            PahoClient.Received two = sub.client.next();
            assertThat(two.text()).isEqualTo("two");
            assertThat(two.message().getQos()).isEqualTo(2);
            assertThat(sub.client.poll(500)).isNull(); // QoS 0 is not kept for an absent client
        }
    }

    @Test
    void subscriptionsAndQueuedMessagesSurviveARestartOfTheBroker() throws Exception {
        start();
        subscribeAndLeave("sub", "q/#", 1);
        try (PahoClient publisher = new PahoClient(bus.address(), "pub")) {
            for (int i = 0; i < 5; i++) {
                publisher.publish("q/" + i, bytes("m" + i), 1).waitForCompletion(10_000);
            }
        }
        restart();
        assertThat(bus.broker().persistentSessions()).isEqualTo(1);
        try (Persistent sub = Persistent.connect(bus.address(), "sub")) {
            assertThat(sub.sessionPresent).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(sub.client.next().text()).isEqualTo("m" + i);
            }
            try (PahoClient publisher = new PahoClient(bus.address(), "pub")) {
                publisher.publish("q/after", bytes("after"), 1).waitForCompletion(10_000); // the subscription too
            }
            assertThat(sub.client.next().text()).isEqualTo("after");
        }
    }

    @Test
    void anUnacknowledgedQos1MessageIsSentAgainWithDupAndItsPacketIdOnReconnect() throws Exception {
        start();
        int packetId;
        try (RawMqttClient raw = new RawMqttClient(port)) {
            raw.connect("raw", false, 60, null, null);
            raw.subscribe("r/#", 1, 1);
            raw.expect(MqttMessageType.SUBACK);
            try (PahoClient publisher = new PahoClient(bus.address(), "pub")) {
                publisher.publish("r/x", bytes("keep me"), 1).waitForCompletion(10_000);
            }
            MqttPublishMessage first = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH);
            assertThat(first.fixedHeader().isDup()).isFalse();
            packetId = first.variableHeader().packetId();
            // no PUBACK: the client goes away
        }
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                restart();
            }
            try (RawMqttClient raw = new RawMqttClient(port)) {
                MqttConnAckMessage connAck = raw.connect("raw", false, 60, null, null);
                assertThat(connAck.variableHeader().isSessionPresent()).isTrue();
                MqttPublishMessage again = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH);
                assertThat(RawMqttClient.text(again)).isEqualTo("keep me");
                if (round == 0) {
                    assertThat(again.fixedHeader().isDup()).isTrue();
                    assertThat(again.variableHeader().packetId()).isEqualTo(packetId);
                } else {
                    packetId = again.variableHeader().packetId();
                }
                if (round == 1) {
                    raw.ack(MqttMessageType.PUBACK, packetId);
                    assertThat(raw.read(300)).isNull();
                }
            }
        }
        try (RawMqttClient raw = new RawMqttClient(port)) {
            raw.connect("raw", false, 60, null, null);
            assertThat(raw.read(500)).isNull(); // acknowledged: never again
        }
    }

    @Test
    void qos2DeliveryResumesWhereItStoppedAcrossReconnectsAndARestart() throws Exception {
        start();
        try (RawMqttClient raw = new RawMqttClient(port)) {
            raw.connect("q2", false, 60, null, null);
            raw.subscribe("t/#", 2, 1);
            raw.expect(MqttMessageType.SUBACK);
            try (PahoClient publisher = new PahoClient(bus.address(), "pub")) {
                publisher.publish("t/a", bytes("exactly once"), 2).waitForCompletion(10_000);
            }
            raw.expect(MqttMessageType.PUBLISH); // no PUBREC
        }
        restart();
        int packetId;
        try (RawMqttClient raw = new RawMqttClient(port)) {
            assertThat(raw.connect("q2", false, 60, null, null).variableHeader().isSessionPresent()).isTrue();
            MqttPublishMessage again = (MqttPublishMessage) raw.expect(MqttMessageType.PUBLISH);
            assertThat(again.fixedHeader().isDup()).isTrue(); // its packet id was on disk
            assertThat(again.fixedHeader().qosLevel().value()).isEqualTo(2);
            packetId = again.variableHeader().packetId();
            raw.ack(MqttMessageType.PUBREC, packetId);
            assertThat(MqttPackets.packetId(raw.expect(MqttMessageType.PUBREL))).isEqualTo(packetId);
            // no PUBCOMP
        }
        restart();
        try (RawMqttClient raw = new RawMqttClient(port)) {
            raw.connect("q2", false, 60, null, null);
            MqttMessage rel = raw.expect(MqttMessageType.PUBREL); // not the PUBLISH: the client has it
            assertThat(MqttPackets.packetId(rel)).isEqualTo(packetId);
            raw.ack(MqttMessageType.PUBCOMP, packetId);
            assertThat(raw.read(300)).isNull();
        }
        try (RawMqttClient raw = new RawMqttClient(port)) {
            raw.connect("q2", false, 60, null, null);
            assertThat(raw.read(500)).isNull();
        }
    }

    @Test
    void aQos2PublishSentAgainAfterAReconnectOrARestartIsDeliveredOnce() throws Exception {
        start();
        try (PahoClient watcher = new PahoClient(bus.address(), "watcher")) {
            watcher.subscribe("once/#", 2);
            try (RawMqttClient raw = new RawMqttClient(port)) {
                raw.connect("sender", false, 60, null, null);
                raw.publish("once/x", "1", 2, 42);
                assertThat(MqttPackets.packetId(raw.expect(MqttMessageType.PUBREC))).isEqualTo(42);
                // no PUBREL: the client goes away
            }
            assertThat(watcher.next().text()).isEqualTo("1");
            try (RawMqttClient raw = new RawMqttClient(port)) {
                raw.connect("sender", false, 60, null, null);
                raw.send(dup(42));
                assertThat(MqttPackets.packetId(raw.expect(MqttMessageType.PUBREC))).isEqualTo(42);
            }
            assertThat(watcher.poll(500)).isNull();
        }
        restart();
        try (PahoClient watcher = new PahoClient(bus.address(), "watcher")) {
            watcher.subscribe("once/#", 2);
            try (RawMqttClient raw = new RawMqttClient(port)) {
                raw.connect("sender", false, 60, null, null);
                raw.send(dup(42));
                assertThat(MqttPackets.packetId(raw.expect(MqttMessageType.PUBREC))).isEqualTo(42);
                raw.ack(MqttMessageType.PUBREL, 42);
                assertThat(MqttPackets.packetId(raw.expect(MqttMessageType.PUBCOMP))).isEqualTo(42);
                raw.publish("once/x", "2", 2, 42); // the id is free again: a new message
                raw.expect(MqttMessageType.PUBREC);
            }
            assertThat(watcher.next().text()).isEqualTo("2");
            assertThat(watcher.poll(300)).isNull();
        }
        assertThat(engine.requests).isEmpty();
    }

    @Test
    void aFullSessionDropsItsOldestMessagesAndCountsThem() throws Exception {
        settings = new BrokerSettings("127.0.0.1", 0, 64 * 1024, 100, 5, 100, 10, 1);
        start();
        subscribeAndLeave("sub", "q/#", 1);
        try (PahoClient publisher = new PahoClient(bus.address(), "pub")) {
            for (int i = 0; i < 8; i++) {
                publisher.publish("q/" + i, bytes("m" + i), 1).waitForCompletion(10_000);
            }
        }
        assertThat(metrics.sessionDroppedCount()).isEqualTo(3);
        restart();
        try (Persistent sub = Persistent.connect(bus.address(), "sub")) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(sub.client.next().text());
            }
            assertThat(got).containsExactly("m3", "m4", "m5", "m6", "m7");
            assertThat(sub.client.poll(300)).isNull();
        }
    }

    @Test
    void anExpiredSessionIsDiscardedAndACleanConnectEndsAPersistentSession() throws Exception {
        sessions = new SessionSettings(dir.resolve("sessions.journal"), 1, true);
        start();
        subscribeAndLeave("gone", "q/#", 1);
        subscribeAndLeave("cleaned", "q/#", 1);
        try (PahoClient cleaned = new PahoClient(bus.address(), "cleaned")) { // cleanSession=1
            assertThat(bus.broker().session("cleaned").persistent).isFalse();
        }
        await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(5)).until(() -> {
            bus.broker().expireSessions();
            return bus.broker().persistentSessions() == 0;
        });
        restart();
        try (Persistent sub = Persistent.connect(bus.address(), "gone")) {
            assertThat(sub.sessionPresent).isFalse();
        }
    }

    @Test
    void aTwinUpdateAtQos2GetsItsPubrecOnlyAfterTheEngineStored() throws Exception {
        start();
        engine.hold = true;
        try (PahoClient app = new PahoClient(bus.address(), "app")) {
            IMqttDeliveryToken token = app.publish("$hw/events/device/plant/thermo/twin/update",
                    bytes("{\"event_id\":\"q2\",\"twin\":{}}"), 2);
            FakeTwinEngine.Held held = engine.nextHeld();
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !token.isComplete());
            held.complete();
            token.waitForCompletion(10_000);
            assertThat(token.getException()).isNull();
        }
    }

    @Test
    void aQos2MessageTheEngineFailedIsHandledAgainWhenTheClientSendsItAgain() throws Exception {
        start();
        String update = "$hw/events/device/plant/thermo/twin/update";
        engine.hold = true;
        try (RawMqttClient raw = new RawMqttClient(port)) {
            raw.connect("sender", false, 60, null, null);
            raw.publish(update, "{\"event_id\":\"retry\",\"twin\":{}}", 2, 9);
            engine.nextHeld().stage().completeExceptionally(new IllegalStateException("engine stopping"));
            assertThat(raw.closedWithin(5000)).isTrue(); // no PUBREC: the message is still the client's
        }
        engine.hold = false;
        try (RawMqttClient raw = new RawMqttClient(port)) {
            raw.connect("sender", false, 60, null, null);
            raw.send(MqttPackets.publish(update, bytes("{\"event_id\":\"retry\",\"twin\":{}}"), 2, false, true, 9));
            assertThat(MqttPackets.packetId(raw.expect(MqttMessageType.PUBREC))).isEqualTo(9);
        }
        assertThat(engine.requests).hasSize(2);
        assertThat(engine.stored).hasSize(1);
    }

    // ---- helpers ----

    /** A Paho client with cleanSession=0, its CONNACK's session-present flag recorded. */
    static final class Persistent implements AutoCloseable {
        final PahoClient client;
        final boolean sessionPresent;

        private Persistent(PahoClient client, boolean sessionPresent) {
            this.client = client;
            this.sessionPresent = sessionPresent;
        }

        static Persistent connect(String url, String clientId) throws Exception {
            MqttConnectOptions options = PahoClient.options();
            options.setCleanSession(false);
            PahoClient client = new PahoClient(url, clientId, options);
            return new Persistent(client, client.connectToken.getSessionPresent());
        }

        @Override
        public void close() throws Exception {
            client.close();
        }
    }

    private void subscribeAndLeave(String clientId, String filter, int qos) throws Exception {
        try (Persistent sub = Persistent.connect(bus.address(), clientId)) {
            sub.client.subscribe(filter, qos);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !bus.broker().session(clientId).connected());
    }

    private static MqttPublishMessage dup(int packetId) {
        return MqttPackets.publish("once/x", bytes("1"), 2, false, true, packetId);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
