package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import io.karedge.api.node.EdgeNode;
import io.karedge.store.internal.StoreComponent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * MetaStore write and watch throughput, with per-operation latency percentiles, on the real store
 * ({@code synchronous=FULL}) in a temporary directory.
 *
 * <p>Write: each thread puts ConfigMaps (about 300 bytes) as fast as it can; latency is the time one put
 * call takes (it returns when the write is on disk). Watch: one watch is open while the writers run;
 * latency is from the start of a put to the delivery of its event to the listener.
 *
 * <p>Arguments: {@code [objectsPerRun]} (default 20000).
 */
public final class StoreBench {

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.printf("MetaStore on SQLite (synchronous=FULL), %d objects per run%n", objects);
        System.out.printf("%-34s %12s %10s %10s%n", "run", "objects/s", "p50 (ms)", "p99 (ms)");
        for (int threads : new int[] {1, 4, 16, 64}) {
            int count = threads == 1 ? Math.min(objects, 3_000) : objects;
            runWrites(threads, count);
        }
        runWatch(16, objects);
    }

    private static void runWrites(int threads, int objects) throws Exception {
        Path directory = Files.createTempDirectory("karedge-storebench");
        StoreComponent store = open(directory);
        try {
            long[] latencies = new long[objects];
            AtomicInteger next = new AtomicInteger();
            long started = System.nanoTime();
            runThreads(threads, () -> {
                int i;
                while ((i = next.getAndIncrement()) < objects) {
                    ObjectNode object = configMap(i);
                    long t0 = System.nanoTime();
                    store.put(object, "bench");
                    latencies[i] = System.nanoTime() - t0;
                }
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            print("write, " + threads + " thread(s), " + objects + " puts", objects / seconds, latencies);
        } finally {
            close(store, directory);
        }
    }

    private static void runWatch(int threads, int objects) throws Exception {
        Path directory = Files.createTempDirectory("karedge-storebench");
        StoreComponent store = open(directory);
        try {
            long[] putStarted = new long[objects];
            long[] latencies = new long[objects];
            ConcurrentHashMap<String, Integer> indexByName = new ConcurrentHashMap<>();
            CountDownLatch delivered = new CountDownLatch(objects);
            Watch watch = store.watch(Selector.kind("ConfigMap"), -1, new WatchListener() {
                @Override
                public void onEvent(WatchEvent event) {
                    long now = System.nanoTime();
                    Integer i = indexByName.get(event.object().key().name());
                    if (i != null && latencies[i] == 0) {
                        latencies[i] = now - putStarted[i];
                        delivered.countDown();
                    }
                }
            });
            AtomicInteger next = new AtomicInteger();
            long started = System.nanoTime();
            runThreads(threads, () -> {
                int i;
                while ((i = next.getAndIncrement()) < objects) {
                    ObjectNode object = configMap(i);
                    indexByName.put(object.get("metadata").get("name").asText(), i);
                    putStarted[i] = System.nanoTime();
                    store.put(object, "bench");
                }
            });
            if (!delivered.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(delivered.getCount() + " watch events never arrived");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            watch.close();
            print("watch, " + threads + " writers, " + objects + " events", objects / seconds, latencies);
        } finally {
            close(store, directory);
        }
    }

    private static ObjectNode configMap(int i) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("apiVersion", "v1").put("kind", "ConfigMap");
        object.putObject("metadata").put("name", "bench-" + i).put("namespace", "bench")
                .putObject("labels").put("app", "bench").put("index", String.valueOf(i));
        ObjectNode data = object.putObject("data");
        data.put("setting", "value-" + i);
        data.put("payload", "x".repeat(160));
        return object;
    }

    private static void runThreads(int threads, Runnable body) throws InterruptedException {
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(body, "bench-writer-" + t);
            thread.start();
            started.add(thread);
        }
        for (Thread thread : started) {
            thread.join();
        }
    }

    private static void print(String run, double perSecond, long[] latenciesNanos) {
        long[] sorted = latenciesNanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-34s %12.0f %10.2f %10.2f%n", run, perSecond, percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6);
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static StoreComponent open(Path directory) {
        EdgeNode node = BenchComponents.standaloneNode("bench", directory);
        return new StoreComponent(node, BenchComponents.config(StoreComponent.Config.class, Map.of()));
    }

    private static void close(StoreComponent store, Path directory) throws IOException, ReflectiveOperationException {
        var deactivate = StoreComponent.class.getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(store);
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
