package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Authentication and ACLs of the embedded broker, over the wire. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokerAccessTest {

    private static final String UPDATE = "$hw/events/device/plant/thermo/twin/update";
    private static final String DOCUMENT = UPDATE + "/document";

    @TempDir
    Path dir;

    private final TestBroker broker = new TestBroker();
    private final FakeTwinEngine engine = broker.engine;
    private final BusMetrics metrics = broker.metrics;
    private EmbeddedBus bus;
    private String url;

    private void start(boolean anonymous, String... aclLines) throws Exception {
        Path users = dir.resolve("mqtt-users");
        PasswordFile passwords = new PasswordFile(users);
        passwords.put("app", "app-pass".toCharArray());
        passwords.put("other", "other-pass".toCharArray());
        Path acl = null;
        if (aclLines.length > 0) {
            acl = Files.write(dir.resolve("acl"), List.of(aclLines));
        }
        bus = broker.start(BrokerSettings.loopback(0), new BrokerAccess(anonymous, users, acl),
                SessionSettings.inMemory());
        url = bus.address();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void anAnonymousClientIsRefusedWithNotAuthorizedByDefault() throws Exception {
        start(false);
        try (RawMqttClient raw = new RawMqttClient(bus.port())) {
            assertThat(raw.connect("anon", true, 30, null, null).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            assertThat(raw.closedWithin(5000)).isTrue();
        }
        assertThatThrownBy(() -> new PahoClient(url, "paho-anon"))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
        assertThat(metrics.refusedConnections()).isEqualTo(2);
        assertThat(bus.connectedClients()).isZero();
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefusedWithBadUserNameOrPassword() throws Exception {
        start(false);
        try (RawMqttClient raw = new RawMqttClient(bus.port())) {
            assertThat(raw.connect("c1", true, 30, "app", "wrong").variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        }
        try (RawMqttClient raw = new RawMqttClient(bus.port())) {
            assertThat(raw.connect("c2", true, 30, "ghost", "app-pass").variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        }
        try (RawMqttClient raw = new RawMqttClient(bus.port())) {
            assertThat(raw.connect("c3", true, 30, "app", null).variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        }
        assertThat(metrics.refusedConnections()).isEqualTo(3);
    }

    @Test
    void aUserWithItsPasswordIsAcceptedTheFirstTimeAndWhenItReconnects() throws Exception {
        start(false);
        for (int i = 0; i < 2; i++) {
            try (PahoClient app = new PahoClient(url, "app-" + i, options("app", "app-pass"))) {
                app.publish(UPDATE, bytes("{\"event_id\":\"e" + i + "\",\"twin\":{}}"), 1).waitForCompletion(10_000);
            }
        }
        assertThat(engine.requests).hasSize(2);
        assertThat(metrics.refusedConnections()).isZero();
    }

    @Test
    void packetsPipelinedBehindTheConnectWaitForThePasswordCheck() throws Exception {
        start(false);
        try (RawMqttClient raw = new RawMqttClient(bus.port())) {
            raw.send(io.netty.handler.codec.mqtt.MqttMessageBuilders.connect().clientId("eager").cleanSession(true)
                    .keepAlive(30).protocolVersion(io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1).hasUser(true)
                    .username("app").hasPassword(true).password(bytes("app-pass")).build());
            raw.publish(UPDATE, "{\"event_id\":\"early\",\"twin\":{}}", 1, 7);
            raw.expect(io.netty.handler.codec.mqtt.MqttMessageType.CONNACK);
            assertThat(MqttPackets.packetId(raw.expect(io.netty.handler.codec.mqtt.MqttMessageType.PUBACK))).isEqualTo(7);
        }
        assertThat(engine.requests).hasSize(1);
    }

    @Test
    void nobodyPublishesOnTheNodesOwnOutputTopicsTheMessageIsAcknowledgedDroppedAndCounted() throws Exception {
        start(false);
        try (PahoClient watcher = new PahoClient(url, "watcher", options("other", "other-pass"));
             PahoClient forger = new PahoClient(url, "forger", options("app", "app-pass"))) {
            watcher.subscribe("$hw/events/device/+/+/twin/update/#", 1);
            forger.publish(DOCUMENT, bytes("{\"forged\":true}"), 1).waitForCompletion(10_000);
            forger.publish(UPDATE + "/result", bytes("{\"forged\":true}"), 2).waitForCompletion(10_000);
            forger.publish("$hw/events/node/n1/membership/updated", bytes("{}"), 0);

            await().atMost(Duration.ofSeconds(5)).until(() -> metrics.refusedPublishes() == 3);
            assertThat(watcher.poll(500)).isNull();
            assertThat(forger.client.isConnected()).isTrue();
        }
        assertThat(engine.requests).isEmpty();
    }

    @Test
    void theAclDecidesWhoPublishesAndSubscribesWhere() throws Exception {
        start(false,
                "user app",
                "topic readwrite " + UPDATE,
                "topic read $hw/events/device/+/+/twin/update/#",
                "pattern readwrite clients/%c/#");
        try (PahoClient app = new PahoClient(url, "app-1", options("app", "app-pass"));
             PahoClient other = new PahoClient(url, "other-1", options("other", "other-pass"))) {
            IMqttToken refused = other.client.subscribe(DOCUMENT, 1);
            refused.waitForCompletion(10_000);
            assertThat(refused.getGrantedQos()).containsExactly(0x80);
            IMqttToken granted = app.client.subscribe("$hw/events/device/+/+/twin/update/#", 2);
            granted.waitForCompletion(10_000);
            assertThat(granted.getGrantedQos()).containsExactly(2);

            other.publish(UPDATE, bytes("{\"event_id\":\"no\",\"twin\":{}}"), 1).waitForCompletion(10_000);
            assertThat(engine.requests).isEmpty();
            app.publish(UPDATE, bytes("{\"event_id\":\"yes\",\"twin\":{}}"), 1).waitForCompletion(10_000);
            assertThat(engine.requests).hasSize(1);
            assertThat(app.next().text()).contains("\"event_id\":\"yes\""); // its own update/result

            other.subscribe("clients/other-1/#", 1);
            other.publish("clients/other-1/x", bytes("mine"), 1).waitForCompletion(10_000);
            assertThat(other.next().text()).isEqualTo("mine");
        }
        assertThat(metrics.refusedSubscriptions()).isEqualTo(1);
        assertThat(metrics.refusedPublishes()).isEqualTo(1);
    }

    @Test
    void anonymousClientsAreAcceptedWhereTheOperatorAllowsThem() throws Exception {
        start(true);
        try (PahoClient anonymous = new PahoClient(url, "legacy-app")) {
            anonymous.publish(UPDATE, bytes("{\"event_id\":\"a\",\"twin\":{}}"), 1).waitForCompletion(10_000);
        }
        assertThat(engine.requests).hasSize(1);
        try (RawMqttClient raw = new RawMqttClient(bus.port())) {
            assertThat(raw.connect("c", true, 30, "app", "wrong").variableHeader().connectReturnCode())
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
        }
    }

    static MqttConnectOptions options(String user, String password) {
        MqttConnectOptions options = PahoClient.options();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        return options;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
