package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import io.karedge.store.internal.StoreComponent;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Real store in a directory, bridge settings pointing at a double, and annotation proxies for configuration. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A configuration annotation answering from {@code values} (keys as in the .cfg file), else its defaults. */
    @SuppressWarnings("unchecked")
    public static <A extends Annotation> A config(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            String key = method.getName().replace('_', '.');
            if (values.containsKey(key)) {
                return values.get(key);
            }
            if (method.getName().equals("annotationType")) {
                return type;
            }
            return method.getDefaultValue();
        });
    }

    /** Fast settings for loopback tests, pointing at the double. */
    public static Map<String, Object> fast(CloudHubDouble cloud) {
        Map<String, Object> values = new HashMap<>();
        values.put("server", cloud.webSocketAddress());
        values.put("cert.server", cloud.certAddress());
        values.put("token", cloud.pki.token());
        values.put("node.name", "edge-1");
        values.put("keepalive.interval.s", 1);
        values.put("read.idle.timeout.s", 3);
        values.put("connect.timeout.ms", 2_000);
        values.put("handshake.timeout.ms", 3_000);
        values.put("backoff.initial.ms", 50);
        values.put("backoff.max.ms", 400);
        values.put("ack.timeout.ms", 2_000);
        values.put("uplink.qps", 0);
        values.put("uplink.window", 128);
        values.put("lease.interval.s", 1);
        values.put("query.timeout.s", 2);
        return values;
    }

    public static BridgeSettings settings(Map<String, Object> values) {
        return BridgeSettings.from(config(BridgeConfig.class, values), "edge-1");
    }

    public static StoreComponent openStore(Path directory) {
        return openStore(directory, Map.of());
    }

    /** @param storeConfig store settings as in the .cfg file, for example {@code synchronous=NORMAL} */
    public static StoreComponent openStore(Path directory, Map<String, Object> storeConfig) {
        EdgeNode node = new EdgeNode() {
            @Override
            public String nodeName() {
                return "edge-1";
            }

            @Override
            public NodeMode mode() {
                return NodeMode.CLOUD;
            }

            @Override
            public Path dataDirectory() {
                return directory;
            }
        };
        return new StoreComponent(node, config(StoreComponent.Config.class, storeConfig));
    }

    public static void closeStore(StoreComponent store) {
        try {
            var deactivate = StoreComponent.class.getDeclaredMethod("deactivate");
            deactivate.setAccessible(true);
            deactivate.invoke(store);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static CloudBridgeComponent bridge(Map<String, Object> values, StoreComponent store, Path directory) {
        return new CloudBridgeComponent(settings(values), store, store, directory, Clock.systemUTC());
    }

    /** A bridge that reports its long work into {@code tracker}. */
    public static CloudBridgeComponent bridge(Map<String, Object> values, StoreComponent store, Path directory,
                                              io.karedge.api.progress.ProgressTracker tracker) {
        return new CloudBridgeComponent(settings(values), store, store, directory, Clock.systemUTC(), tracker);
    }

    /** Stops a bridge made by {@link #bridge} (for callers outside this package, such as the benchmarks). */
    public static void stop(CloudBridgeComponent bridge) {
        bridge.deactivate();
    }

    /** A Device as the cloud sends it (v1beta1), bound to {@code nodeName}. */
    public static ObjectNode device(String namespace, String name, String nodeName) {
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        device.putObject("metadata").put("name", name).put("namespace", namespace).put("uid", "uid-" + name)
                .put("resourceVersion", "7");
        ObjectNode spec = device.putObject("spec");
        spec.put("nodeName", nodeName);
        spec.putObject("deviceModelRef").put("name", "model");
        return device;
    }

    /**
     * Makes devices known on both sides, as if the cloud had sent them: stored with source {@code cloud} and
     * held by the double's DeviceController, so their twin reports are sent and answered.
     */
    public static void cloudDevices(MetaStore store, CloudHubDouble cloud, String namespace, String... names) {
        for (String name : names) {
            store.put(device(namespace, name, "edge-1"), Downstream.SOURCE);
            cloud.devices.add(namespace + "/" + name);
        }
    }

    public static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
