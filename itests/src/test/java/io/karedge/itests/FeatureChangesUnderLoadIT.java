package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.karaf.features.FeaturesService;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
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
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

/**
 * One boot: every optional feature the distribution ships (the SSH console among them) is installed and
 * uninstalled in several orders, and a features file and a plain bundle are dropped into {@code deploy/},
 * while an MQTT app keeps a QoS 1 twin-update load going and a subscriber stays connected. The core — the
 * store, the twin engine, the broker, SCR and the shell they are wired through — must never stop: no
 * connection is lost, no core bundle sees a stop, no store or twin engine service goes away, and every
 * update the broker acknowledged is stored.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureChangesUnderLoadIT extends KaredgeTestSupport {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final String DEVICE = "feature-load";
    private static final String TOPIC = "$hw/events/device/default/" + DEVICE + "/twin/update";
    private static final int PROPERTIES = 16;

    /** What a user may add to or remove from a running node (metrics and dashboard are part of the core feature). */
    private static final List<String> OPTIONAL = List.of("ssh", "karedge-protocol-modbus", "karedge-protocol-mqtt",
            "karedge-protocol-opcua", "karedge-dmi", "karedge-kube-api", "karedge-edge-stream", "karedge-pods",
            "karedge-mesh-proxy", "karedge-cloud");

    /** Bundles that must never stop: the node's core and what it is wired through. */
    private static final Set<String> CORE = Set.of("io.karedge.api", "io.karedge.node", "io.karedge.store",
            "io.karedge.twin", "io.karedge.eventbus", "io.karedge.device.manager", "io.karedge.device.driver",
            "io.karedge.manifests", "io.karedge.rest", "io.karedge.metrics", "io.karedge.dashboard",
            "io.karedge.shell", "io.karedge.protocol.virtual", "io.karedge.pod.api", "io.karedge.mesh.api",
            "io.karedge.cloud.bridge.api", "org.apache.felix.scr", "org.jline", "org.apache.karaf.shell.core",
            "org.eclipse.paho.client.mqttv3");

    @Configuration
    public Option[] config() {
        return baseConfiguration();
    }

    @Test
    public void featureChangesLeaveTheCoreRunningUnderMqttLoad() throws Exception {
        MetaStore store = service(MetaStore.class);
        store.put(device(), "local");
        TwinEngine engine = service(TwinEngine.class);
        await("load device is a twin member", BOOT, () -> engine.device("default/" + DEVICE).isPresent());
        await("broker listening", BOOT, FeatureChangesUnderLoadIT::brokerListening);

        List<String> coreEvents = new CopyOnWriteArrayList<>();
        BundleListener coreWatch = event -> {
            String name = event.getBundle().getSymbolicName();
            if (CORE.contains(name) && (event.getType() == BundleEvent.STOPPING || event.getType() == BundleEvent.UNRESOLVED)) {
                coreEvents.add(name + " " + (event.getType() == BundleEvent.STOPPING ? "stopping" : "unresolved"));
            }
        };
        ServiceListener serviceWatch = event -> {
            if (event.getType() == ServiceEvent.UNREGISTERING) {
                coreEvents.add("service withdrawn: " + event.getServiceReference());
            }
        };
        bundleContext.addBundleListener(coreWatch);
        bundleContext.addServiceListener(serviceWatch, "(|(objectClass=" + MetaStore.class.getName()
                + ")(objectClass=" + TwinEngine.class.getName() + ")(objectClass=io.karedge.eventbus.MqttBusStatus))");

        AtomicInteger lostConnections = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        MqttAsyncClient subscriber = connect("feature-load-subscriber", lostConnections, delivered);
        subscriber.subscribe(TOPIC + "/result", 1).waitForCompletion(10_000);
        MqttAsyncClient publisher = connect("feature-load-publisher", lostConnections, null);

        Map<Integer, Integer> lastAcknowledged = new ConcurrentHashMap<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> publish(publisher, running, lastAcknowledged, acknowledged, refused),
                "itest-feature-load");
        load.start();
        long seed = Long.getLong("karedge.itest.seed", System.nanoTime());
        List<String> steps = new ArrayList<>();
        try {
            await("load flowing", Duration.ofSeconds(20), () -> acknowledged.get() > 50);
            FeaturesService features = service(FeaturesService.class);
            Random random = new Random(seed);
            List<List<String>> installOrders = List.of(OPTIONAL, shuffled(random), shuffled(random));
            List<List<String>> removeOrders = List.of(reversed(OPTIONAL), shuffled(random), installOrders.get(2));
            for (int round = 0; round < installOrders.size(); round++) {
                for (String feature : installOrders.get(round)) {
                    steps.add("install " + feature);
                    features.installFeature(feature, EnumSet.noneOf(FeaturesService.Option.class));
                    awaitLoadGoesOn(acknowledged, steps, seed);
                }
                for (String feature : removeOrders.get(round)) {
                    steps.add("uninstall " + feature);
                    features.uninstallFeature(feature);
                    awaitLoadGoesOn(acknowledged, steps, seed);
                }
            }
            dropIntoDeploy(features, steps, acknowledged, seed);
        } finally {
            running.set(false);
            load.join(30_000);
            try {
                bundleContext.removeBundleListener(coreWatch);
                bundleContext.removeServiceListener(serviceWatch);
            } catch (IllegalStateException refreshed) {
                // a refresh that reached the core reached this test's bundle too; the events say what happened
                coreEvents.add("the test's own bundle was refreshed");
            }
        }

        String context = " (seed " + seed + ", steps " + steps + ")";
        assertEquals("core bundles or services stopped" + context, List.of(), coreEvents);
        assertEquals("MQTT connections lost" + context, 0, lostConnections.get());
        assertEquals("publishes the broker did not acknowledge" + context, 0, refused.get());
        assertTrue("the subscriber got results throughout" + context, delivered.get() > acknowledged.get() / 2);
        for (Map.Entry<Integer, Integer> last : lastAcknowledged.entrySet()) {
            String property = "p" + last.getKey();
            await(property + " stored as " + last.getValue() + context, Duration.ofSeconds(10),
                    () -> String.valueOf(last.getValue()).equals(actual(engine, property)));
        }
        System.out.println("feature changes under load: " + steps.size() + " changes, " + acknowledged.get()
                + " updates acknowledged and stored, seed " + seed);
        subscriber.disconnect().waitForCompletion(5_000);
        publisher.disconnect().waitForCompletion(5_000);
    }

    /** A features file and a plain bundle dropped into deploy/, then taken out again. */
    private void dropIntoDeploy(FeaturesService features, List<String> steps, AtomicInteger acknowledged, long seed)
            throws Exception {
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Files.createDirectories(deploy);
        Path featuresFile = deploy.resolve("itest-modbus.xml");
        Files.writeString(featuresFile, "<features name=\"itest-drop\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">"
                + "<feature name=\"itest-drop\" version=\"1.0.0\" install=\"auto\"><feature>karedge-protocol-modbus</feature>"
                + "</feature></features>\n");
        steps.add("deploy/ features file");
        await("dropped features file installed", SETTLE, () -> installed(features, "karedge-protocol-modbus"));
        awaitLoadGoesOn(acknowledged, steps, seed);
        Path bundleFile = deploy.resolve("itest-dropped-bundle.jar");
        writeEmptyBundle(bundleFile);
        steps.add("deploy/ bundle");
        await("dropped bundle active", SETTLE, () -> active("io.karedge.itest.dropped"));
        awaitLoadGoesOn(acknowledged, steps, seed);
        Files.delete(bundleFile);
        Files.delete(featuresFile);
        steps.add("deploy/ emptied");
        await("dropped features file removed", SETTLE, () -> !installed(features, "karedge-protocol-modbus"));
        awaitLoadGoesOn(acknowledged, steps, seed);
    }

    private static boolean installed(FeaturesService features, String name) {
        try {
            return features.isInstalled(features.getFeature(name));
        } catch (Exception e) {
            return false;
        }
    }

    private boolean active(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && bundle.getState() == Bundle.ACTIVE) {
                return true;
            }
        }
        return false;
    }

    private static void writeEmptyBundle(Path file) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.karedge.itest.dropped");
        main.putValue("Bundle-Version", "1.0.0");
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        Files.move(partial, file);
    }

    /** The load keeps being acknowledged after a change: more than 20 new PUBACKs within the settle time. */
    private static void awaitLoadGoesOn(AtomicInteger acknowledged, List<String> steps, long seed)
            throws InterruptedException {
        int before = acknowledged.get();
        await("updates acknowledged after " + steps.get(steps.size() - 1) + " (seed " + seed + ")", SETTLE,
                () -> acknowledged.get() > before + 20);
    }

    /** QoS 1 actual-value reports p0..p15 = n, one at a time; records the last PUBACKed n per property. */
    private static void publish(MqttAsyncClient client, AtomicBoolean running, Map<Integer, Integer> lastAcknowledged,
            AtomicInteger acknowledged, AtomicInteger refused) {
        int sequence = 0;
        while (running.get()) {
            int n = ++sequence;
            int property = n % PROPERTIES;
            String payload = "{\"event_id\":\"fl-" + n + "\",\"timestamp\":1,\"twin\":{\"p" + property
                    + "\":{\"actual\":{\"value\":\"" + n + "\"},\"metadata\":{\"type\":\"int\"}}}}";
            MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            try {
                client.publish(TOPIC, message, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        lastAcknowledged.merge(property, n, Math::max);
                        acknowledged.incrementAndGet();
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable failure) {
                        refused.incrementAndGet();
                    }
                }).waitForCompletion(30_000);
                Thread.sleep(5);
            } catch (Exception e) {
                refused.incrementAndGet();
                sleepQuietly(100);
            }
        }
    }

    private MqttAsyncClient connect(String clientId, AtomicInteger lostConnections, AtomicInteger delivered)
            throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + mqttPort(), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lostConnections.incrementAndGet();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (delivered != null) {
                    delivered.incrementAndGet();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // counted by the publish listener
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setMaxInflight(64);
        options.setConnectionTimeout(5);
        options.setKeepAliveInterval(30);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    private static String actual(TwinEngine engine, String property) {
        return engine.device("default/" + DEVICE).map(twin -> twin.twins().get(property))
                .map(TwinRecord::twin).map(twin -> twin.path("actual").path("value").asText()).orElse(null);
    }

    private static ObjectNode device() {
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        device.putObject("metadata").put("name", DEVICE).put("namespace", "default");
        device.putObject("spec").putObject("protocol").put("protocolName", "none");
        return device;
    }

    private static List<String> shuffled(Random random) {
        List<String> order = new ArrayList<>(OPTIONAL);
        Collections.shuffle(order, random);
        return order;
    }

    private static List<String> reversed(List<String> order) {
        List<String> reversed = new ArrayList<>(order);
        Collections.reverse(reversed);
        return reversed;
    }

    private static boolean brokerListening() {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", mqttPort()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
