package io.karedge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.twin.TwinListener;
import io.karedge.eventbus.internal.EventBusComponent;
import io.karedge.store.internal.StoreComponent;
import io.karedge.twin.internal.TwinEngineComponent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The node side of the MQTT twin benchmark, in one JVM: the real SQLite store (synchronous FULL), the
 * real twin engine and the event bus with its embedded broker on 127.0.0.1, wired as DS would wire them.
 * Creates {@code <devices>} Devices of namespace {@code bench}, prints {@code READY <port>} and runs
 * until its standard input closes.
 *
 * <p>Usage: {@code MqttTwinNode <port, 0 for a free one> <devices>}
 */
public final class MqttTwinNode {

    static final String BENCH_USER = "bench";
    static final String BENCH_PASSWORD = "bench-password";
    /** -Dkaredge.bench.auth=true: anonymous clients refused, the client connects as {@link #BENCH_USER}, with an ACL */
    static final boolean AUTH = Boolean.getBoolean("karedge.bench.auth");

    private MqttTwinNode() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int devices = Integer.parseInt(args[1]);
        Path data = Files.createTempDirectory("karedge-mqtt-bench");
        EdgeNode node = BenchComponents.standaloneNode("bench-node", data);
        StoreComponent store = new StoreComponent(node, BenchComponents.config(StoreComponent.Config.class, Map.of()));
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < devices; i++) {
            ObjectNode device = mapper.createObjectNode();
            device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
            device.putObject("metadata").put("name", "dev-" + i).put("namespace", "bench");
            device.putObject("spec").put("nodeName", "bench-node").putObject("deviceModelRef").put("name", "m");
            store.put(device, "bench");
        }
        TwinEngineComponent engine = new TwinEngineComponent(store, store, node,
                BenchComponents.config(TwinEngineComponent.Config.class, Map.of()));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (engine.members().size() < devices && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Map<String, Object> busConfig = new java.util.HashMap<>(Map.of("port", port, "allow_anonymous", !AUTH,
                "session_file", data.resolve("mqtt-sessions.journal").toString(),
                "password_file", data.resolve("mqtt-users").toString()));
        if (AUTH) {
            // what an operator would set: users, and an ACL that lets the bench user use the bench devices' topics
            Path acl = Files.writeString(data.resolve("mqtt.acl"), "user " + BENCH_USER + "\n"
                    + "topic write $hw/events/device/bench/+/twin/update\n"
                    + "topic read $hw/events/device/bench/+/twin/update/result\n");
            busConfig.put("acl_file", acl.toString());
        }
        EventBusComponent bus = new EventBusComponent(engine, node,
                BenchComponents.config(EventBusComponent.Config.class, busConfig));
        if (AUTH) {
            bus.put(BENCH_USER, BENCH_PASSWORD.toCharArray()); // read by the broker at the client's CONNECT
        }
        Method addListener = TwinEngineComponent.class.getDeclaredMethod("addListener", TwinListener.class);
        addListener.setAccessible(true);
        addListener.invoke(engine, bus);

        String address = bus.address();
        System.out.println("READY " + address.substring(address.lastIndexOf(':') + 1) + " members "
                + engine.members().size());
        System.out.flush();
        long[] before = commits(store);
        long startedAt = System.nanoTime();
        long cpuBefore = processCpuNanos();
        long inBefore = bus.messagesIn();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // run until stdin closes
            }
        }
        System.err.println("node: in " + bus.messagesIn() + ", out " + bus.messagesOut() + ", rejected "
                + bus.rejected() + ", errors " + bus.errors() + ", twins stored " + store.count());
        long[] after = commits(store);
        long cpu = processCpuNanos() - cpuBefore;
        long updates = bus.messagesIn() - inBefore;
        System.err.printf(java.util.Locale.ROOT, "node: process CPU %.1f s for %d messages in (%.0f us per message)%n",
                cpu / 1e9, updates, updates == 0 ? 0.0 : cpu / 1e3 / updates);
        long writes = after[0] - before[0];
        long batches = after[1] - before[1];
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        System.err.printf(java.util.Locale.ROOT, "node: store %d writes in %d commits (%.1f writes/commit,"
                + " %.0f commits/s over %.1f s of node uptime)%n", writes, batches,
                batches == 0 ? 0.0 : (double) writes / batches, batches / seconds, seconds);
        invoke(bus, EventBusComponent.class, "deactivate");
        invoke(engine, TwinEngineComponent.class, "deactivate");
        invoke(store, StoreComponent.class, "deactivate");
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** @return {committed writes, committed transactions} of the store's database, read reflectively */
    private static long[] commits(StoreComponent component) throws Exception {
        java.lang.reflect.Field storeField = StoreComponent.class.getDeclaredField("store");
        storeField.setAccessible(true);
        Object store = storeField.get(component);
        java.lang.reflect.Field databaseField = store.getClass().getDeclaredField("database");
        databaseField.setAccessible(true);
        Object database = databaseField.get(store);
        Method writes = database.getClass().getDeclaredMethod("committedWrites");
        Method batches = database.getClass().getDeclaredMethod("committedBatches");
        writes.setAccessible(true);
        batches.setAccessible(true);
        return new long[] {(Long) writes.invoke(database), (Long) batches.invoke(database)};
    }

    private static void invoke(Object target, Class<?> type, String name) throws Exception {
        Method method = type.getDeclaredMethod(name);
        method.setAccessible(true);
        method.invoke(target);
    }

}
