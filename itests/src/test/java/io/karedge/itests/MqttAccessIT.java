package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.karedge.api.twin.TwinEngine;
import io.karedge.eventbus.MqttBusStatus;
import io.karedge.eventbus.MqttUsers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The embedded broker of the distribution as shipped: anonymous clients refused, users from the password file
 * ({@link MqttUsers}), the node's output topics kept for the node, QoS 2 to mosquitto_sub, and a persistent
 * session that gets what was published while its client was away, across a restart of the event bus bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MqttAccessIT extends KaredgeTestSupport {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final String UPDATE = "$hw/events/device/default/thermometer-01/twin/update";

    @Configuration
    public Option[] config() {
        // the distribution's default: no anonymous access (the base configuration opens it for the other tests)
        return baseConfiguration(editConfigurationFilePut("etc/io.karedge.eventbus.cfg", "allow.anonymous", "false"));
    }

    @Test
    public void theDistributionsBrokerKeepsItsPromises() throws Exception {
        TwinEngine engine = service(TwinEngine.class);
        await("demo device is a twin member", BOOT, () -> engine.device("default/thermometer-01").isPresent());
        await("MQTT broker listening", BOOT, MqttAccessIT::brokerListening);
        MqttBusStatus status = service(MqttBusStatus.class);
        MqttUsers users = service(MqttUsers.class);
        users.put("app", "app-secret".toCharArray());
        users.put("watcher", "watcher-secret".toCharArray());
        assertTrue(users.file(), Files.exists(Path.of(users.file())));

        // anonymous: CONNACK 0x05
        try {
            connect("anonymous", null, null, true).disconnect();
            fail("an anonymous client was accepted");
        } catch (MqttException e) {
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, e.getReasonCode());
        }
        assertTrue(status.refusedConnections() >= 1);

        // nobody but the node publishes a twin document or result
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        MqttAsyncClient watcher = connect("watcher-1", "watcher", "watcher-secret", true);
        watcher.subscribe(UPDATE + "/#", 2, (topic, message) -> seen.add(topic + " " + text(message)))
                .waitForCompletion(10_000);
        MqttAsyncClient app = connect("app-1", "app", "app-secret", true);
        long refusedBefore = status.refusedPublishes();
        app.publish(UPDATE + "/document", message("{\"forged\":true}", 1)).waitForCompletion(10_000);
        app.publish(UPDATE + "/result", message("{\"forged\":true}", 2)).waitForCompletion(10_000);
        assertNull("a forged document reached a subscriber", seen.poll(700, TimeUnit.MILLISECONDS));
        assertEquals(refusedBefore + 2, status.refusedPublishes());
        // while the real update is answered by the node, at QoS 2 end to end
        app.publish(UPDATE, message("{\"event_id\":\"acl-1\",\"twin\":{\"setpoint\":{\"expected\":{\"value\":\"21\"}}}}",
                2)).waitForCompletion(10_000);
        String first = seen.poll(10, TimeUnit.SECONDS);
        assertTrue(String.valueOf(first), first != null && first.contains("acl-1"));

        mosquittoSubGetsQos2(app);

        // a persistent session gets what was published while its client was away, across a bus restart
        MqttAsyncClient away = connect("persistent-1", "watcher", "watcher-secret", false);
        away.subscribe("plant/#", 1).waitForCompletion(10_000);
        away.disconnect().waitForCompletion(10_000);
        away.close();
        for (int i = 0; i < 5; i++) {
            app.publish("plant/line-1", message("offline-" + i, 1)).waitForCompletion(10_000);
        }
        app.disconnect().waitForCompletion(10_000);
        watcher.disconnect().waitForCompletion(10_000);
        Bundle bus = bundle("io.karedge.eventbus");
        bus.stop();
        bus.start();
        await("MQTT broker listening again", BOOT, MqttAccessIT::brokerListening);
        BlockingQueue<String> back = new LinkedBlockingQueue<>();
        MqttAsyncClient returning = new MqttAsyncClient("tcp://127.0.0.1:" + mqttPort(), "persistent-1",
                new MemoryPersistence());
        returning.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                back.add(text(message));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        org.eclipse.paho.client.mqttv3.IMqttToken connected = returning.connect(options("watcher", "watcher-secret", false));
        connected.waitForCompletion(10_000);
        assertTrue("session present after the restart", connected.getSessionPresent());
        for (int i = 0; i < 5; i++) {
            assertEquals("offline-" + i, back.poll(10, TimeUnit.SECONDS));
        }
        returning.disconnect().waitForCompletion(10_000);
        returning.close();
        assertEquals(1, service(MqttBusStatus.class).persistentSessions());
    }

    private void mosquittoSubGetsQos2(MqttAsyncClient app) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/mosquitto_sub"))) {
            System.out.println("mosquitto_sub not installed: its QoS 2 check is skipped");
            return;
        }
        Path out = Files.createTempFile("mosquitto-sub", ".out");
        Process sub = new ProcessBuilder("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(mqttPort()),
                "-u", "watcher", "-P", "watcher-secret", "-i", "itest-mosquitto-sub", "-q", "2", "-d", "-C", "1",
                "-t", "plant/qos2").redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            // its output is buffered until it exits: publish until its one message (-C 1) came
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sub.isAlive() && System.nanoTime() < deadline) {
                app.publish("plant/qos2", message("exactly once", 2)).waitForCompletion(10_000);
                sub.waitFor(500, TimeUnit.MILLISECONDS);
            }
            assertFalse("mosquitto_sub got no message", sub.isAlive());
            String log = read(out);
            assertTrue(log, log.contains("q2") && log.contains("exactly once") && log.contains("PUBREL"));
        } finally {
            sub.destroy();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static MqttConnectOptions options(String user, String password, boolean clean) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setConnectionTimeout(5);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        return options;
    }

    private static MqttAsyncClient connect(String clientId, String user, String password, boolean clean)
            throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + mqttPort(), clientId, new MemoryPersistence());
        client.connect(options(user, password, clean)).waitForCompletion(10_000);
        assertFalse(clientId, !client.isConnected());
        return client;
    }

    private static MqttMessage message(String payload, int qos) {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        return message;
    }

    private static String text(MqttMessage message) {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    private static boolean brokerListening() {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", mqttPort()), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
