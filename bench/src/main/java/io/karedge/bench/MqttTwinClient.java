package io.karedge.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The client side of the MQTT twin benchmark, run in its own JVM: Paho v3 clients publish QoS 1 twin
 * updates to {@code $hw/events/device/bench/dev-<i>/twin/update} round-robin over the devices, with a
 * bounded number outstanding, and time each one from the publish to the arrival of its
 * {@code .../twin/update/result} (matched by {@code event_id}); the result is published by the node only
 * after the update is on disk.
 *
 * <p>Usage: {@code MqttTwinClient <port> <devices> <updates> <outstanding> <max seconds> [<warm-up updates>]};
 * prints one line. The warm-up (default 2000) is sent and answered first and not measured, so the JIT has
 * compiled the hot paths of both JVMs before the measurement starts. With {@code -Dkaredge.bench.rate=N} the
 * measured updates are sent at N per second.
 */
public final class MqttTwinClient implements MqttCallback {

    private static final int CONNECTIONS = 4;
    /** -Dkaredge.bench.auth=true: connect as the node's bench user (the node then refuses anonymous clients) */
    private static final boolean AUTH = Boolean.getBoolean("karedge.bench.auth");
    /** -Dkaredge.bench.persistent=true: one more subscriber of every result, with a persistent session */
    private static final boolean PERSISTENT = Boolean.getBoolean("karedge.bench.persistent");
    private static MqttAsyncClient persistentSubscriber;
    /**
     * TCP_NODELAY on the client sockets (default on; {@code -Dkaredge.bench.nodelay=false} turns it off).
     * Paho's plain sockets leave Nagle's algorithm on: a small PUBLISH written while an earlier one is not
     * yet acknowledged waits for the broker's delayed ACK (40 ms on Linux), which shows as a latency tail
     * that has nothing to do with the node. The broker's sockets already have TCP_NODELAY.
     */
    private static final boolean NO_DELAY = !"false".equals(System.getProperty("karedge.bench.nodelay"));
    /**
     * -Dkaredge.bench.rate=N: the measured updates are paced at N per second (a steady load, as bench/footprint.sh
     * runs against a node for minutes) instead of as fast as the window allows; 0 (default) is no pacing.
     */
    private static final int RATE = Integer.getInteger("karedge.bench.rate", 0);

    /** Plain sockets with TCP_NODELAY, for Paho's {@code tcp://} connections. */
    private static final class NoDelaySocketFactory extends javax.net.SocketFactory {
        private static java.net.Socket noDelay(java.net.Socket socket) throws java.io.IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public java.net.Socket createSocket() throws java.io.IOException {
            return noDelay(new java.net.Socket());
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
            return noDelay(new java.net.Socket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
                throws java.io.IOException {
            return noDelay(new java.net.Socket(host, port, localHost, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
            return noDelay(new java.net.Socket(host, port));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress,
                                            int localPort) throws java.io.IOException {
            return noDelay(new java.net.Socket(address, port, localAddress, localPort));
        }
    }

    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final long[] latencies;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicLong errors = new AtomicLong();
    private final Semaphore window;

    private MqttTwinClient(int updates, int outstanding) {
        this.latencies = new long[updates];
        this.window = new Semaphore(outstanding);
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int devices = Integer.parseInt(args[1]);
        int updates = Integer.parseInt(args[2]);
        int outstanding = Integer.parseInt(args[3]);
        long maxNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 2000;
        new MqttTwinClient(updates, outstanding).run(port, devices, updates, maxNanos, warmup);
    }

    private void run(int port, int devices, int updates, long maxNanos, int warmup) throws Exception {
        List<MqttAsyncClient> clients = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + port, "bench-" + c + "-" + System.nanoTime(),
                    new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setMaxInflight(65_000);
            options.setKeepAliveInterval(60);
            if (NO_DELAY) {
                options.setSocketFactory(new NoDelaySocketFactory());
            }
            if (AUTH) {
                options.setUserName(MqttTwinNode.BENCH_USER);
                options.setPassword(MqttTwinNode.BENCH_PASSWORD.toCharArray());
            }
            client.setCallback(this);
            client.connect(options).waitForCompletion(10_000);
            for (int device = c; device < devices; device += CONNECTIONS) {
                client.subscribe("$hw/events/device/bench/dev-" + device + "/twin/update/result", 1)
                        .waitForCompletion(10_000);
            }
            clients.add(client);
        }
        if (PERSISTENT) {
            // one more subscriber of every result, with a persistent session: each result is journaled for it
            MqttAsyncClient persistent = new MqttAsyncClient("tcp://127.0.0.1:" + port, "bench-persistent",
                    new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setMaxInflight(65_000);
            if (AUTH) {
                options.setUserName(MqttTwinNode.BENCH_USER);
                options.setPassword(MqttTwinNode.BENCH_PASSWORD.toCharArray());
            }
            if (NO_DELAY) {
                options.setSocketFactory(new NoDelaySocketFactory());
            }
            persistent.connect(options).waitForCompletion(10_000);
            persistent.subscribe("$hw/events/device/bench/+/twin/update/result", 1, (topic, message) -> { })
                    .waitForCompletion(10_000);
            persistentSubscriber = persistent; // publishes nothing
        }
        // warm-up, not measured
        send(clients, devices, warmup, maxNanos, true);
        Arrays.fill(latencies, 0);
        received.set(0);

        long start = System.nanoTime();
        int done = send(clients, devices, updates, maxNanos, false);
        long elapsed = System.nanoTime() - start;
        for (MqttAsyncClient client : clients) {
            client.disconnect(2000).waitForCompletion(3000);
            client.close();
        }
        if (persistentSubscriber != null) {
            persistentSubscriber.disconnect(2000).waitForCompletion(3000);
            persistentSubscriber.close();
        }
        long[] measured = Arrays.copyOf(latencies, done);
        Arrays.sort(measured);
        double seconds = elapsed / 1e9;
        System.out.printf(Locale.ROOT, "%7d %9d %12.0f %10.2f %10.2f %10.2f %7d%n", devices, done, done / seconds,
                percentile(measured, 50), percentile(measured, 99), percentile(measured, 100), errors.get());
    }

    /** @return how many results arrived */
    private int send(List<MqttAsyncClient> clients, int devices, int count, long maxNanos, boolean warmup) throws Exception {
        long deadline = System.nanoTime() + maxNanos;
        String prefix = warmup ? "w" : "m";
        int sent = 0;
        long paceStart = System.nanoTime();
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            if (RATE > 0 && !warmup) {
                long due = paceStart + i * 1_000_000_000L / RATE;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            if (!window.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            String id = prefix + i;
            int device = i % devices;
            byte[] payload = ("{\"event_id\":\"" + id + "\",\"timestamp\":" + System.currentTimeMillis()
                    + ",\"twin\":{\"temperature\":{\"actual\":{\"value\":\"" + (20 + i % 10) + "\"},"
                    + "\"metadata\":{\"type\":\"string\"}}}}").getBytes(StandardCharsets.UTF_8);
            sentAt.put(id, System.nanoTime());
            try {
                clients.get(device % clients.size()).publish("$hw/events/device/bench/dev-" + device + "/twin/update",
                        payload, 1, false);
                sent++;
            } catch (Exception e) {
                sentAt.remove(id);
                window.release();
                errors.incrementAndGet();
            }
        }
        while (received.get() < sent && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(5);
        }
        return received.get();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        String text = new String(message.getPayload(), StandardCharsets.UTF_8);
        int at = text.indexOf("\"event_id\":\"");
        if (at < 0) {
            return;
        }
        int from = at + 12;
        String id = text.substring(from, text.indexOf('"', from));
        Long sent = sentAt.remove(id);
        if (sent == null) {
            return;
        }
        if (text.contains("\"code\":")) {
            errors.incrementAndGet();
        }
        int index = received.getAndIncrement();
        if (index < latencies.length) {
            latencies[index] = System.nanoTime() - sent;
        }
        window.release();
    }

    private static double percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }

    @Override
    public void connectionLost(Throwable cause) {
        errors.incrementAndGet();
        System.err.println("client: connection lost: " + cause);
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }
}
