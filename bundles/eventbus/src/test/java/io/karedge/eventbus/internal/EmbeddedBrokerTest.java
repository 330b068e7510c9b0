package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedBrokerTest {

    private static final String UPDATE = "$hw/events/device/plant/thermo/twin/update";

    private final TestBroker broker = new TestBroker();
    private final FakeTwinEngine engine = broker.engine;
    private final BusMetrics metrics = broker.metrics;
    private EmbeddedBus bus;
    private String url;

    @BeforeEach
    void start() throws Exception {
        bus = broker.start(BrokerSettings.loopback(0), BrokerAccess.anonymous(), SessionSettings.inMemory());
        url = bus.address();
        assertThat(url).startsWith("tcp://127.0.0.1:");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void pubackIsSentOnlyAfterTheEngineStageCompleted() throws Exception {
        try (PahoClient app = new PahoClient(url, "app"); PahoClient watcher = new PahoClient(url, "watcher")) {
            watcher.subscribe(UPDATE + "/result", 1);
            engine.hold = true;

            IMqttDeliveryToken token = app.publish(UPDATE, bytes("{\"event_id\":\"held-1\",\"twin\":{}}"), 1);
            FakeTwinEngine.Held held = engine.nextHeld();
            assertThat(held.request().target()).isEqualTo("plant/thermo");

            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !token.isComplete());
            assertThat(watcher.poll(0)).isNull();

            held.complete();

            await().atMost(Duration.ofSeconds(5)).until(token::isComplete);
            assertThat(token.getException()).isNull();
            PahoClient.Received result = watcher.next();
            assertThat(result.topic()).isEqualTo(UPDATE + "/result");
            assertThat(result.text()).contains("\"event_id\":\"held-1\"");
        }
    }

    @Test
    void pubacksKeepTheArrivalOrderOfTheConnection() throws Exception {
        try (PahoClient app = new PahoClient(url, "app")) {
            engine.hold = true;
            IMqttDeliveryToken first = app.publish("$hw/events/device/ns/a/twin/update", bytes("{}"), 1);
            IMqttDeliveryToken second = app.publish("$hw/events/device/ns/b/twin/update", bytes("{}"), 1);
            FakeTwinEngine.Held heldFirst = engine.nextHeld();
            FakeTwinEngine.Held heldSecond = engine.nextHeld();

            heldSecond.complete();
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> !first.isComplete() && !second.isComplete());

            heldFirst.complete();
            await().atMost(Duration.ofSeconds(5)).until(() -> first.isComplete() && second.isComplete());
        }
    }

    @Test
    void aFailedStageIsNeverAcknowledgedAndTheConnectionIsClosedForRedelivery() throws Exception {
        try (PahoClient app = new PahoClient(url, "app")) {
            engine.hold = true;
            IMqttDeliveryToken token = app.publish(UPDATE, bytes("{}"), 1);
            engine.nextHeld().stage().completeExceptionally(new IllegalStateException("engine stopping"));

            await().atMost(Duration.ofSeconds(5)).until(() -> !app.lost.isEmpty());
            assertThat(token.isComplete() && token.getException() == null).isFalse();
            assertThat(metrics.errorCount()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aTwinUpdateTheStoreRefusedIsNeverAcknowledged() throws Exception {
        try (PahoClient app = new PahoClient(url, "app")) {
            app.subscribe(UPDATE + "/result", 1);
            engine.storeFails = true;
            IMqttDeliveryToken token = app.publish(UPDATE, bytes("{\"event_id\":\"refused\"}"), 1);

            await().atMost(Duration.ofSeconds(5)).until(() -> !app.lost.isEmpty());
            assertThat(token.isComplete() && token.getException() == null).isFalse();
            assertThat(engine.stored).isEmpty();
            assertThat(metrics.errorCount()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void everyPubackCorrespondsToAStoredValueWhileTheStoreFailsNowAndThen() throws Exception {
        java.util.List<String> acknowledged = new java.util.ArrayList<>();
        java.util.List<String> refused = new java.util.ArrayList<>();
        PahoClient app = new PahoClient(url, "app");
        try {
            for (int i = 0; i < 30; i++) {
                String eventId = "e" + i;
                engine.storeFails = i % 3 == 1;
                if (!app.client.isConnected()) {
                    app.close();
                    app = new PahoClient(url, "app");
                }
                IMqttDeliveryToken token = app.publish(UPDATE, bytes("{\"event_id\":\"" + eventId + "\"}"), 1);
                PahoClient current = app;
                await().atMost(Duration.ofSeconds(5)).until(() -> token.isComplete() || !current.lost.isEmpty());
                if (token.isComplete() && token.getException() == null) {
                    acknowledged.add(eventId);
                } else {
                    refused.add(eventId);
                }
            }
        } finally {
            app.close();
        }
        assertThat(engine.stored).containsAll(acknowledged);
        assertThat(acknowledged).hasSize(20);
        assertThat(refused).hasSize(10).doesNotContainAnyElementsOf(engine.stored);
    }

    @Test
    void publishSubscribeWithWildcardsAndTheDollarRule() throws Exception {
        try (PahoClient app = new PahoClient(url, "app"); PahoClient all = new PahoClient(url, "all");
             PahoClient plus = new PahoClient(url, "plus"); PahoClient hw = new PahoClient(url, "hw")) {
            all.subscribe("#", 1);
            plus.subscribe("sensors/+/temperature", 0);
            hw.subscribe("$hw/events/device/+/+/twin/+", 1);

            app.publish("sensors/room-1/temperature", bytes("21.5"), 1).waitForCompletion(5000);
            app.publish(UPDATE, bytes("{\"event_id\":\"w\"}"), 1).waitForCompletion(5000);

            assertThat(all.next().topic()).isEqualTo("sensors/room-1/temperature");
            PahoClient.Received onPlus = plus.next();
            assertThat(onPlus.text()).isEqualTo("21.5");
            assertThat(onPlus.message().getQos()).isZero();
            assertThat(hw.next().topic()).isEqualTo(UPDATE);
            // '#' must not match $-topics: neither the request nor its result reach "all"
            assertThat(all.poll(500)).isNull();
        }
    }

    @Test
    void qos2IsDeliveredAtQos2AndDowngradedToTheGrantedQos() throws Exception {
        try (PahoClient app = new PahoClient(url, "app"); PahoClient two = new PahoClient(url, "two");
             PahoClient one = new PahoClient(url, "one")) {
            two.client.subscribe("q/#", 2).waitForCompletion(5000);
            one.client.subscribe("q/#", 1).waitForCompletion(5000);
            app.publish("q/x", bytes("1"), 2).waitForCompletion(5000);

            assertThat(two.next().message().getQos()).isEqualTo(2);
            assertThat(one.next().message().getQos()).isEqualTo(1);
            assertThat(two.poll(300)).isNull();
        }
    }

    @Test
    void retainedMessagesAndTheirRemoval() throws Exception {
        try (PahoClient app = new PahoClient(url, "app")) {
            app.client.publish("config/a", bytes("v1"), 1, true).waitForCompletion(5000);
            try (PahoClient late = new PahoClient(url, "late")) {
                late.subscribe("config/#", 1);
                PahoClient.Received retained = late.next();
                assertThat(retained.text()).isEqualTo("v1");
                assertThat(retained.message().isRetained()).isTrue();
            }
            app.client.publish("config/a", new byte[0], 1, true).waitForCompletion(5000);
            try (PahoClient later = new PahoClient(url, "later")) {
                later.subscribe("config/#", 1);
                assertThat(later.poll(500)).isNull();
            }
        }
    }

    @Test
    void lastWillIsPublishedWhenAClientVanishes() throws Exception {
        try (PahoClient watcher = new PahoClient(url, "watcher")) {
            watcher.subscribe("wills/#", 1);
            try (Socket raw = new Socket("127.0.0.1", bus.port())) {
                raw.getOutputStream().write(connectWithWill("dying", "wills/dying", "gone"));
                raw.getOutputStream().flush();
                assertThat(raw.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            }
            PahoClient.Received will = watcher.next();
            assertThat(will.topic()).isEqualTo("wills/dying");
            assertThat(will.text()).isEqualTo("gone");
        }
    }

    @Test
    void malformedPayloadIsAnsweredWith400AndTheBrokerKeepsServing() throws Exception {
        try (PahoClient app = new PahoClient(url, "app")) {
            app.subscribe(UPDATE + "/result", 1);
            app.publish(UPDATE, new byte[] {'{', (byte) 0xc3, 0x28, '"'}, 1).waitForCompletion(5000);
            assertThat(app.next().text()).contains("\"code\":400");

            app.publish("$hw/events/device/plant/../twin/update", bytes("{\"event_id\":\"x\"}"), 1).waitForCompletion(5000);
            app.subscribe("$hw/events/device/plant/+/twin/update/result", 1);
            app.publish("$hw/events/device/plant//twin/update", bytes("{\"event_id\":\"y\"}"), 1).waitForCompletion(5000);
            PahoClient.Received error = app.next();
            assertThat(error.topic()).isEqualTo("$hw/events/device/plant//twin/update/result");
            assertThat(error.text()).contains("\"event_id\":\"y\"", "\"code\":400", "empty device name");

            app.publish(UPDATE, bytes("{\"event_id\":\"ok\"}"), 1).waitForCompletion(5000);
            assertThat(app.next().text()).contains("\"event_id\":\"ok\"");
        }
    }

    @Test
    void aWildcardTopicNameClosesOnlyThatConnection() throws Exception {
        try (PahoClient good = new PahoClient(url, "good")) {
            try (Socket raw = new Socket("127.0.0.1", bus.port())) {
                OutputStream out = raw.getOutputStream();
                out.write(connectWithWill("evil", null, null));
                assertThat(raw.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
                out.write(publishQos0("$hw/events/device/+/x/twin/update", "{}"));
                out.flush();
                assertThat(raw.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(metrics.rejectedCount()).isGreaterThanOrEqualTo(1);
            good.subscribe("still/#", 1);
            good.publish("still/alive", bytes("yes"), 1).waitForCompletion(5000);
            assertThat(good.next().text()).isEqualTo("yes");
        }
    }

    @Test
    void aOneMegabytePayloadRoundTrips() throws Exception {
        try (PahoClient app = new PahoClient(url, "app"); PahoClient sub = new PahoClient(url, "sub")) {
            sub.subscribe("big/#", 1);
            byte[] payload = new byte[1024 * 1024];
            Arrays.fill(payload, (byte) 'k');
            app.publish("big/blob", payload, 1).waitForCompletion(10_000);

            assertThat(sub.next().message().getPayload()).isEqualTo(payload);
        }
    }

    @Test
    void aPacketAboveMaxMessageSizeClosesTheConnection() throws Exception {
        restartWith(new BrokerSettings("127.0.0.1", 0, 64 * 1024, 100, 1000, 100, 10, 1));
        try (PahoClient app = new PahoClient(url, "app")) {
            app.publish("big/blob", new byte[200 * 1024], 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> !app.lost.isEmpty());
        }
        try (PahoClient again = new PahoClient(url, "again")) {
            assertThat(again.client.isConnected()).isTrue();
        }
    }

    @Test
    void aRetainedMessageOverTheByteBudgetIsRefusedWithoutAcknowledgement() throws Exception {
        restartWith(BrokerSettings.loopback(0).withByteBudgets(100 * 1024, 8 * 1024 * 1024, 32 * 1024 * 1024));
        byte[] payload = new byte[40 * 1024];
        Arrays.fill(payload, (byte) 'r');
        try (PahoClient app = new PahoClient(url, "app")) {
            for (int i = 0; i < 2; i++) {
                app.client.publish("retained/" + i, payload, 1, true).waitForCompletion(5000);
            }
            // the third would pass max.retained.bytes: no PUBACK, the connection is closed
            assertThatThrownBy(() -> app.client.publish("retained/2", payload, 1, true).waitForCompletion(5000))
                    .isInstanceOf(org.eclipse.paho.client.mqttv3.MqttException.class);
            assertThat(metrics.errorCount()).isGreaterThanOrEqualTo(1);
        }
        try (PahoClient late = new PahoClient(url, "late")) {
            late.subscribe("retained/#", 1);
            assertThat(late.next().message().isRetained()).isTrue();
            assertThat(late.next().message().isRetained()).isTrue();
            assertThat(late.poll(500)).as("the third was refused, not kept").isNull();
        }
        // removing one frees its bytes for another, acknowledged and kept
        try (PahoClient app = new PahoClient(url, "app")) {
            app.client.publish("retained/0", new byte[0], 1, true).waitForCompletion(5000);
            app.client.publish("retained/2", payload, 1, true).waitForCompletion(5000);
        }
        try (PahoClient later = new PahoClient(url, "later")) {
            later.subscribe("retained/2", 1);
            assertThat(later.next().message().getPayload()).hasSize(payload.length);
        }
    }

    @Test
    void messagesForAClientThatDoesNotAcknowledgeAreBoundedInBytesPerClientAndInTotal() throws Exception {
        restartWith(new BrokerSettings("127.0.0.1", 0, 4 * 1024 * 1024, 1, 1000, 100, 10, 1)
                .withByteBudgets(16 * 1024 * 1024, 256 * 1024, 384 * 1024));
        byte[] payload = new byte[64 * 1024];
        try (Socket first = rawSubscriber("slow-1", "load/#"); Socket second = rawSubscriber("slow-2", "load/#");
             PahoClient app = new PahoClient(url, "app")) {
            for (int i = 0; i < 12; i++) {
                app.publish("load/" + i, payload, 1).waitForCompletion(5000);
            }
            // neither subscriber acknowledges (max.inflight 1): per client at most 256 KiB are held, and
            // both together at most 384 KiB; the rest is dropped and counted
            await().atMost(Duration.ofSeconds(5)).until(() -> metrics.errorCount() >= 24 - 6);
            assertThat(bus.broker().queuedBytes()).isLessThanOrEqualTo(384 * 1024);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.broker().queuedBytes() == 0);
    }

    @Test
    void aClientWhoseMessagesAreNotStoredYetIsReadNoFurtherThanItsBudget() throws Exception {
        restartWith(BrokerSettings.loopback(0).withPendingBudgets(256 * 1024, 1024 * 1024));
        engine.hold = true;
        byte[] payload = new byte[64 * 1024];
        Arrays.fill(payload, (byte) ' ');
        payload[0] = '{';
        payload[payload.length - 1] = '}';
        try (PahoClient app = new PahoClient(url, "app")) {
            java.util.List<IMqttDeliveryToken> tokens = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tokens.add(app.publish(UPDATE, payload, 1));
            }
            // the store holds everything: reading stops a little past 256 KiB, not at 1.25 MiB
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.requests.size() >= 4);
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
                    .until(() -> engine.requests.size() <= 8);
            assertThat(bus.broker().pendingBytes()).isLessThanOrEqualTo(8L * payload.length);

            // as the store takes messages over, reading resumes; nothing is lost
            engine.hold = false;
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                FakeTwinEngine.Held held;
                while ((held = engine.held.poll()) != null) {
                    held.complete();
                }
                return tokens.stream().allMatch(IMqttDeliveryToken::isComplete);
            });
            assertThat(engine.requests).hasSize(20);
            assertThat(tokens).allMatch(token -> token.getException() == null);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.broker().pendingBytes() == 0);
    }

    private void restartWith(BrokerSettings settings) throws Exception {
        bus.close();
        bus = broker.start(settings, BrokerAccess.anonymous(), SessionSettings.inMemory());
        url = bus.address();
    }

    /** A raw client that subscribes with QoS 1 and then never reads or acknowledges anything. */
    private Socket rawSubscriber(String clientId, String filter) throws Exception {
        Socket raw = new Socket("127.0.0.1", bus.port());
        OutputStream out = raw.getOutputStream();
        out.write(connectWithWill(clientId, null, null));
        assertThat(raw.getInputStream().readNBytes(4)).containsExactly(0x20, 0x02, 0x00, 0x00);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(0);
        body.write(1);
        writeString(body, filter);
        body.write(1);
        out.write(packet(0x82, body.toByteArray()));
        out.flush();
        assertThat(raw.getInputStream().readNBytes(5)).containsExactly(0x90, 0x03, 0x00, 0x01, 0x01);
        return raw;
    }

    @Test
    void connectedClientsAndRatesAreCounted() throws Exception {
        try (PahoClient app = new PahoClient(url, "app"); PahoClient sub = new PahoClient(url, "sub")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> bus.connectedClients() == 2);
            sub.subscribe("m/#", 1);
            for (int i = 0; i < 20; i++) {
                app.publish("m/" + i, bytes("x"), 1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> metrics.messagesOut() >= 20);
            assertThat(metrics.messagesIn()).isGreaterThanOrEqualTo(20);
            assertThat(metrics.inPerSecond()).isGreaterThan(0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.connectedClients() == 0);
    }

    @Test
    void aSecondConnectionWithTheSameClientIdTakesOver() throws Exception {
        MqttConnectOptions options = PahoClient.options();
        try (PahoClient first = new PahoClient(url, "same", options); PahoClient second = new PahoClient(url, "same", options)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !first.lost.isEmpty());
            assertThat(second.client.isConnected()).isTrue();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A raw MQTT 3.1.1 CONNECT (clean session, keep-alive 60 s), with a QoS 0 will when a topic is given. */
    static byte[] connectWithWill(String clientId, String willTopic, String willMessage) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4);
        body.write(willTopic == null ? 0x02 : 0x06);
        body.write(0);
        body.write(60);
        writeString(body, clientId);
        if (willTopic != null) {
            writeString(body, willTopic);
            writeString(body, willMessage);
        }
        return packet(0x10, body.toByteArray());
    }

    static byte[] publishQos0(String topic, String payload) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        writeString(body, topic);
        body.writeBytes(bytes(payload));
        return packet(0x30, body.toByteArray());
    }

    private static byte[] packet(int type, byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(type);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void writeString(java.io.ByteArrayOutputStream out, String value) {
        byte[] encoded = bytes(value);
        out.write(encoded.length >> 8);
        out.write(encoded.length & 0xff);
        out.writeBytes(encoded);
    }
}
