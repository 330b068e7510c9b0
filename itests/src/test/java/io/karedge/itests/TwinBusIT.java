package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinRecord;
import io.karedge.eventbus.MqttBusStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
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
 * One boot: the twin engine and the embedded MQTT broker as a KubeEdge app sees them, and their hot
 * swap under load: an update the broker acknowledged (PUBACK) must survive a stop, start or update of
 * either bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TwinBusIT extends KaredgeTestSupport {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final String TOPIC = "$hw/events/device/default/%s/twin/update";

    @Configuration
    public Option[] config() {
        return baseConfiguration();
    }

    @Test
    public void mqttAppSetsADesiredValueAndTheVirtualDeviceFollows() throws Exception {
        TwinEngine engine = service(TwinEngine.class);
        await("demo device is a twin member", BOOT, () -> engine.device("default/thermometer-02").isPresent());
        // the broker binds when its component activates, which can come after the twin engine's
        await("MQTT broker listening on " + mqttPort(), BOOT, TwinBusIT::brokerListening);
        MqttAsyncClient client = connect("itest-app");
        try {
            BlockingQueue<String> results = new ArrayBlockingQueue<>(16);
            client.subscribe(String.format(TOPIC, "thermometer-02") + "/result", 1,
                    (topic, message) -> results.offer(new String(message.getPayload(), StandardCharsets.UTF_8)))
                    .waitForCompletion(5_000);
            client.publish(String.format(TOPIC, "thermometer-02"), message(
                    "{\"event_id\":\"it-1\",\"timestamp\":1,\"twin\":{\"setpoint\":{\"expected\":{\"value\":\"17\"}}}}"))
                    .waitForCompletion(5_000);
            JsonNode result = KaredgeJson.mapper().readTree(results.poll(10, TimeUnit.SECONDS));
            assertEquals("it-1", result.path("event_id").asText());
            assertEquals("17", result.path("twin").path("setpoint").path("expected").path("value").asText());

            // the device manager writes it to the virtual device, whose reading then reports it as actual
            await("actual follows desired", Duration.ofSeconds(20), () -> "17".equals(
                    actual(engine, "default/thermometer-02", "setpoint")));

            client.publish(String.format(TOPIC, "thermometer-02"), message("{not json")).waitForCompletion(5_000);
            JsonNode error = KaredgeJson.mapper().readTree(results.poll(10, TimeUnit.SECONDS));
            assertEquals(400, error.path("code").asInt());
        } finally {
            client.disconnectForcibly(1_000);
            client.close();
        }
        MqttBusStatus bus = service(MqttBusStatus.class);
        assertTrue(bus.toString(), execute("edge:mqtt").contains(String.valueOf(mqttPort())));
        assertTrue(execute("edge:twin thermometer-02").contains("setpoint"));
    }

    @Test
    public void acknowledgedUpdatesSurviveHotSwapsOfTwinAndBusBundles() throws Exception {
        MetaStore store = service(MetaStore.class);
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        device.putObject("metadata").put("name", "load-1").put("namespace", "default");
        device.putObject("spec").putObject("protocol").put("protocolName", "none");
        store.put(device, "local");
        TwinEngine first = service(TwinEngine.class);
        await("load device is a member", BOOT, () -> first.device("default/load-1").isPresent());

        ConcurrentSkipListSet<Integer> acknowledged = new ConcurrentSkipListSet<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> publishUntilStopped(running, acknowledged), "itest-mqtt-load");
        publisher.start();
        try {
            await("load flowing", Duration.ofSeconds(20), () -> acknowledged.size() > 50);
            Bundle twin = bundle("io.karedge.twin");
            Bundle bus = bundle("io.karedge.eventbus");

            twin.stop();
            twin.start();
            awaitMoreAcknowledged(acknowledged, "after twin stop/start");
            twin.update();
            awaitMoreAcknowledged(acknowledged, "after twin update");
            bus.stop();
            bus.start();
            awaitMoreAcknowledged(acknowledged, "after event bus stop/start");
            bus.update();
            awaitMoreAcknowledged(acknowledged, "after event bus update");
        } finally {
            running.set(false);
            publisher.join(30_000);
        }

        TwinEngine engine = service(TwinEngine.class);
        DeviceTwin twin = engine.device("default/load-1").orElseThrow();
        List<Integer> lost = new ArrayList<>();
        for (int sequence : acknowledged) {
            TwinRecord record = twin.twins().get("s" + sequence);
            if (record == null || !String.valueOf(sequence).equals(record.twin().path("actual").path("value").asText())) {
                lost.add(sequence);
            }
        }
        assertTrue(acknowledged.size() + " acknowledged, lost: " + lost, lost.isEmpty());
        assertTrue("too few updates under load: " + acknowledged.size(), acknowledged.size() > 170);
    }

    /** Publishes {@code s<n> = n} updates at QoS 1, reconnecting across swaps; records every PUBACKed n. */
    private void publishUntilStopped(AtomicBoolean running, ConcurrentSkipListSet<Integer> acknowledged) {
        int sequence = 0;
        MqttAsyncClient client = null;
        while (running.get()) {
            try {
                if (client == null || !client.isConnected()) {
                    if (client != null) {
                        client.close(true);
                    }
                    client = connect("itest-load");
                }
                int n = ++sequence;
                String payload = "{\"event_id\":\"load-" + n + "\",\"timestamp\":1,\"twin\":{\"s" + n
                        + "\":{\"actual\":{\"value\":\"" + n + "\"},\"metadata\":{\"type\":\"int\"}}}}";
                client.publish(String.format(TOPIC, "load-1"), message(payload), null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        acknowledged.add(n);
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable failure) {
                        // not acknowledged: the broker promised nothing
                    }
                });
                Thread.sleep(2);
            } catch (Exception e) {
                sleepQuietly(100);
            }
        }
        if (client != null) {
            try {
                client.disconnect().waitForCompletion(5_000);
                client.close(true);
            } catch (Exception ignored) {
                // the node may be swapping still; the acknowledged set is what counts
            }
        }
    }

    private static void awaitMoreAcknowledged(ConcurrentSkipListSet<Integer> acknowledged, String when)
            throws InterruptedException {
        int before = acknowledged.size();
        await("updates acknowledged " + when, Duration.ofSeconds(30), () -> acknowledged.size() > before + 30);
    }

    private MqttAsyncClient connect(String clientId) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + mqttPort(), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(64);
        options.setConnectionTimeout(5);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    private static boolean brokerListening() {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", mqttPort()), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static MqttMessage message(String payload) {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        return message;
    }

    private static String actual(TwinEngine engine, String deviceId, String property) {
        return engine.device(deviceId).map(DeviceTwin::twins).map(twins -> twins.get(property))
                .map(record -> record.twin().path("actual").path("value").asText()).orElse(null);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
