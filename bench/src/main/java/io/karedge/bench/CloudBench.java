package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.internal.CloudBridgeComponent;
import io.karedge.cloud.bridge.internal.CloudHubDouble;
import io.karedge.cloud.bridge.internal.Fixtures;
import io.karedge.store.internal.StoreComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The cloud bridge against the CloudHub double on loopback, real store in a temporary directory:
 * <ol>
 * <li>downstream: ConfigMap pushes written to the MetaStore and acknowledged per second, once through CloudHub's
 * ACK queue (one message in flight, as CloudCore sends) and once pipelined (all sent at once);</li>
 * <li>upstream: Uplink entries drained per second with the rate limit off, for twin reports (removed when
 * answered) and for events (removed once flushed), window {@code uplink.window} = 64 (the default);</li>
 * <li>reconnect to synced: the double drops the session; when the edge is back it pushes 1,000 objects through
 * the ACK queue; the time from the new session until all 1,000 are in the MetaStore and acknowledged.</li>
 * </ol>
 * Arguments: downstream messages (default 2000), upstream entries (default 10000), sync objects (default 1000),
 * runs of the sync measurement (default 3).
 */
public final class CloudBench {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(180);

    private CloudBench() {
    }

    public static void main(String[] args) throws Exception {
        int downstream = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int upstream = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int objects = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path data = Files.createTempDirectory("karedge-cloud-bench");
        try (CloudHubDouble cloud = new CloudHubDouble()) {
            cloud.resendMillis = 5_000;
            StoreComponent store = Fixtures.openStore(data);
            Map<String, Object> values = Fixtures.fast(cloud);
            values.put("register.node", false);
            values.put("uplink.qps", 0);
            values.put("uplink.window", 64);
            values.put("ack.timeout.ms", 30_000);
            values.put("keepalive.interval.s", 5);
            values.put("read.idle.timeout.s", 15);
            // the twin reports are of Devices the cloud sent: only those are reported upstream
            Fixtures.cloudDevices(store, cloud, "default",
                    java.util.stream.IntStream.range(0, 50).mapToObj(i -> "dev-" + i).toArray(String[]::new));
            CloudBridgeComponent bridge = Fixtures.bridge(values, store, data);
            try {
                waitFor("connected", () -> bridge.snapshot().state() == LinkState.CONNECTED);
                downstreamQueued(cloud, store, Math.min(downstream, 500), "warm");
                downstreamQueued(cloud, store, downstream, "queued");
                downstreamPipelined(cloud, store, downstream);
                upstream(cloud, store, bridge, upstream, true);
                upstream(cloud, store, bridge, upstream, false);
                for (int run = 1; run <= runs; run++) {
                    resync(cloud, store, bridge, objects, run);
                }
            } finally {
                Fixtures.stop(bridge);
                Fixtures.closeStore(store);
            }
        } finally {
            Fixtures.delete(data);
        }
    }

    private static ObjectNode configMap(String prefix, int i, int version) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("apiVersion", "v1").put("kind", "ConfigMap");
        object.putObject("metadata").put("name", prefix + "-" + i).put("namespace", "bench")
                .put("uid", "uid-" + prefix + "-" + i).put("resourceVersion", Integer.toString(version));
        object.putObject("data").put("value", "v" + i + "-" + "x".repeat(200));
        return object;
    }

    /** One in flight: the double waits for each ACK before it sends the next. */
    private static void downstreamQueued(CloudHubDouble cloud, StoreComponent store, int count, String label) {
        long acksBefore = cloud.totalAcks.get();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            cloud.pushObject("insert", "bench/configmap/" + label + "-" + i, configMap(label, i, 1_000 + i));
        }
        waitFor("queued pushes acknowledged", () -> cloud.totalAcks.get() - acksBefore >= count
                && cloud.pushesWaiting() == 0);
        double seconds = seconds(started);
        check(store, label, count);
        if (!label.equals("warm")) {
            System.out.printf("downstream, CloudHub ACK queue (1 in flight): %,d ConfigMaps stored and ACKed in %.2f s"
                    + " = %,.0f msg/s%n", count, seconds, count / seconds);
        }
    }

    private static void downstreamPipelined(CloudHubDouble cloud, StoreComponent store, int count) {
        long acksBefore = cloud.totalAcks.get();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            cloud.sendObject("insert", "bench/configmap/piped-" + i, configMap("piped", i, 100_000 + i));
        }
        waitFor("pipelined pushes acknowledged", () -> cloud.totalAcks.get() - acksBefore >= count);
        double seconds = seconds(started);
        check(store, "piped", count);
        System.out.printf("downstream, pipelined (all sent at once):    %,d ConfigMaps stored and ACKed in %.2f s"
                + " = %,.0f msg/s%n", count, seconds, count / seconds);
    }

    private static void check(StoreComponent store, String prefix, int count) {
        for (int i = 0; i < count; i += Math.max(1, count / 50)) {
            if (store.get(ObjectKey.of("ConfigMap", "bench", prefix + "-" + i)).isEmpty()) {
                throw new IllegalStateException("ConfigMap bench/" + prefix + "-" + i + " was acknowledged but not stored");
            }
        }
        if (store.get(ObjectKey.of("ConfigMap", "bench", prefix + "-" + (count - 1))).isEmpty()) {
            throw new IllegalStateException("the last ConfigMap was acknowledged but not stored");
        }
    }

    /** Entries queued while the link is down, drained after the reconnect; timed from the new session. */
    private static void upstream(CloudHubDouble cloud, StoreComponent store, CloudBridgeComponent bridge, int count,
                                 boolean answered) throws Exception {
        disconnect(cloud, bridge);
        String suffix = answered ? "/twin/edge_updated" : "";
        String operation = answered ? "update" : "report";
        long receivedBefore = cloud.countReceived(operation, answered ? suffix : "/event/e");
        enqueue(store, count, answered);
        AtomicLong sessionAt = new AtomicLong();
        cloud.onSession = () -> sessionAt.compareAndSet(0, System.nanoTime());
        cloud.accepting = true;
        waitFor("uplink drained", () -> sessionAt.get() != 0 && store.depth() == 0);
        double seconds = (System.nanoTime() - sessionAt.get()) / 1e9;
        cloud.onSession = null;
        long received = cloud.countReceived(operation, answered ? suffix : "/event/e") - receivedBefore;
        if (received < count) {
            throw new IllegalStateException("the double received " + received + " of " + count);
        }
        System.out.printf("upstream drain, %s: %,d entries in %.2f s = %,.0f entries/s (window 64, no rate limit)%n",
                answered ? "twin reports (removed on answer)" : "events (removed once flushed)", count, seconds,
                count / seconds);
    }

    private static void enqueue(StoreComponent store, int count, boolean answered) throws Exception {
        ExecutorService producers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            AtomicLong next = new AtomicLong();
            for (int t = 0; t < 8; t++) {
                futures.add(producers.submit(() -> {
                    for (long n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        ObjectNode content = KaredgeJson.mapper().createObjectNode().put("n", n).put("value", "21.5");
                        store.enqueue(answered
                                ? new UplinkMessage("twin", "resource", "update",
                                        "device/default/dev-" + (n % 50) + "/twin/edge_updated", content, null)
                                : new UplinkMessage("edged", "resource", "report", "default/event/e", content, null));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            producers.shutdown();
        }
    }

    /** The double drops the session and refuses new ones until told otherwise. */
    private static void disconnect(CloudHubDouble cloud, CloudBridgeComponent bridge) {
        cloud.accepting = false;
        cloud.dropSessions();
        waitFor("link down", () -> bridge.snapshot().state() != LinkState.CONNECTED && cloud.sessionCount() == 0);
    }

    private static void resync(CloudHubDouble cloud, StoreComponent store, CloudBridgeComponent bridge, int objects,
                               int run) {
        disconnect(cloud, bridge);
        String prefix = "sync" + run;
        long acksBefore = cloud.totalAcks.get();
        AtomicLong sessionAt = new AtomicLong();
        cloud.onSession = () -> {
            if (sessionAt.compareAndSet(0, System.nanoTime())) {
                for (int i = 0; i < objects; i++) {
                    cloud.pushObject("update", "bench/configmap/" + prefix + "-" + i, configMap(prefix, i,
                            200_000 * run + i));
                }
            }
        };
        long down = System.nanoTime();
        cloud.accepting = true;
        waitFor("resynced", () -> sessionAt.get() != 0 && cloud.totalAcks.get() - acksBefore >= objects
                && cloud.pushesWaiting() == 0
                && store.get(ObjectKey.of("ConfigMap", "bench", prefix + "-" + (objects - 1))).isPresent());
        double seconds = (System.nanoTime() - sessionAt.get()) / 1e9;
        cloud.onSession = null;
        check(store, prefix, objects);
        System.out.printf("reconnect to synced, run %d: %,d objects stored and ACKed %.2f s after the new session"
                + " (%.2f s after the double accepted again)%n", run, objects, seconds, seconds(down));
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
