package io.karedge.protocol.opcua.internal;

import io.karedge.api.device.Device;
import io.karedge.api.json.KaredgeJson;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figures of the OPC UA driver against the node-opcua test server of bench/opcua.sh (its Bench.V0..V99 are set
 * to the server's clock in milliseconds ten times a second): latency from a change on the server to the
 * driver's report (DeviceCallback.reportValues, which the device manager turns into the twin's actual value),
 * reads per second, and heap per session and per 100 monitored items. In the driver's package to reach its
 * package-private constructor.
 */
public final class OpcUaBench {

    private OpcUaBench() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        Path pki = Files.createTempDirectory("karedge-opcua-bench");
        System.out.printf(Locale.ROOT, "opcua driver -> node-opcua at %s, %.0f s per figure%n", url, seconds);
        OpcUaDriver driver = new OpcUaDriver(pki, true);
        try {
            latency(driver, url, seconds);
            reads(driver, url, 1, seconds);
            reads(driver, url, 100, seconds);
            memory(driver, url);
        } finally {
            driver.deactivate();
        }
    }

    /** 100 monitored items sampled every 100 ms, each changing at 10 Hz: the age of each value when reported. */
    private static void latency(OpcUaDriver driver, String url, double seconds) throws Exception {
        Device device = device("latency", url, 100, 100, 0);
        long[] ages = new long[(int) (seconds * 100 * 12) + 1000];
        AtomicInteger count = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        long[] measuring = {Long.MAX_VALUE};
        DeviceCallback callback = new Quiet() {
            @Override
            public void reportValues(List<PropertyValue> values) {
                long now = System.currentTimeMillis();
                first.countDown();
                if (System.nanoTime() < measuring[0]) {
                    return;
                }
                for (PropertyValue value : values) {
                    if (value.ok() && !value.value().equals("0")) {
                        int i = count.getAndIncrement();
                        if (i < ages.length) {
                            ages[i] = now - (long) Double.parseDouble(value.value());
                        }
                    }
                }
            }
        };
        PushingHandler handler = (PushingHandler) driver.open(device, callback);
        try {
            handler.subscribe(PropertyRequest.of(device, null));
            if (!first.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no value within 30 s");
            }
            Thread.sleep(2000);
            measuring[0] = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            measuring[0] = Long.MAX_VALUE;
        } finally {
            handler.close();
        }
        int n = Math.min(count.get(), ages.length);
        long[] sorted = Arrays.copyOf(ages, n);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-58s p50 %4d ms  p99 %4d ms  max %4d ms  (%d changes, %.0f/s; "
                        + "sampling and publishing interval 100 ms)%n",
                "change on server -> driver report, 100 items at 10 Hz", percentile(sorted, 50),
                percentile(sorted, 99), n == 0 ? -1 : sorted[n - 1], n, n / seconds);
    }

    /** Read calls on one thread, as the device manager makes them, of 1 or 100 properties (one Read request). */
    private static void reads(OpcUaDriver driver, String url, int properties, double seconds) throws Exception {
        Device device = device("reads-" + properties, url, properties, 1000, 0);
        List<PropertyRequest> requests = PropertyRequest.of(device, null);
        try (DeviceHandler handler = driver.open(device, new Quiet())) {
            loop(handler, requests, 1.0);
            long[] result = loop(handler, requests, seconds);
            double elapsed = result[2] / 1e9;
            System.out.printf(Locale.ROOT, "%-58s %8.0f reads/s  %9.0f values/s  (%d errors)%n",
                    "read of " + properties + " propert" + (properties == 1 ? "y" : "ies") + " (1 request)",
                    result[0] / elapsed, result[1] / elapsed, result[3]);
        }
    }

    /** Heap after GC: 10 more sessions (devices with different settings), then 1,000 more monitored items. */
    private static void memory(OpcUaDriver driver, String url) throws Exception {
        long base = usedHeap();
        List<PushingHandler> handlers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // a different timeout is a different session to the same server
            Device device = device("session-" + i, url, 1, 1000, 5000 + i);
            PushingHandler handler = (PushingHandler) driver.open(device, new Quiet());
            handler.subscribe(PropertyRequest.of(device, null));
            handlers.add(handler);
        }
        awaitSessions(driver, 10);
        Thread.sleep(3000);
        long sessions = usedHeap();
        for (int i = 0; i < 10; i++) {
            Device device = device("items-" + i, url, 100, 1000, 5000 + i);
            PushingHandler handler = (PushingHandler) driver.open(device, new Quiet());
            handler.subscribe(PropertyRequest.of(device, null));
            handlers.add(handler);
        }
        Thread.sleep(5000);
        long items = usedHeap();
        System.out.printf(Locale.ROOT, "%-58s %6.0f KiB per session, %6.0f KiB per 100 monitored items%n",
                "heap after GC (10 sessions, then 10 x 100 items on them)", (sessions - base) / 10.0 / 1024,
                (items - sessions) / 10.0 / 1024);
        handlers.forEach(DeviceHandler::close);
    }

    private static void awaitSessions(OpcUaDriver driver, int wanted) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (driver.sessions() < wanted && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }

    private static long usedHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** @return calls, values, nanoseconds, failed values */
    private static long[] loop(DeviceHandler handler, List<PropertyRequest> requests, double seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        long values = 0;
        long errors = 0;
        long now;
        do {
            for (PropertyValue value : handler.read(requests)) {
                values++;
                if (!value.ok()) {
                    errors++;
                }
            }
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return new long[] {calls, values, now - start, errors};
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static Device device(String name, String url, int properties, long cycle, long timeout) throws Exception {
        var root = KaredgeJson.mapper().createObjectNode();
        root.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        root.putObject("metadata").put("name", name).put("namespace", "bench");
        var spec = root.putObject("spec");
        var config = spec.putObject("protocol").put("protocolName", "opcua").putObject("configData").put("url", url);
        if (timeout > 0) {
            config.put("timeout", timeout);
        }
        var list = spec.putArray("properties");
        for (int i = 0; i < properties; i++) {
            var property = list.addObject().put("name", "v" + i).put("collectCycle", cycle).put("reportCycle", 60_000);
            property.putObject("visitors").put("protocolName", "opcua").putObject("configData")
                    .put("nodeID", "ns=2;s=Bench.V" + i);
        }
        return KaredgeJson.mapper().treeToValue(root, Device.class);
    }

    /** A callback that reports nothing. */
    private static class Quiet implements DeviceCallback {
        @Override
        public void reportValues(List<PropertyValue> values) {
        }

        @Override
        public void reportState(DeviceState state, String message) {
        }
    }
}
