package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 in the middle of QoS 1 twin-update load from several MQTT clients: after a restart, every
 * value the node acknowledged with a PUBACK is there. Every message writes a property of its own
 * ({@code k<seq>} = {@code c<client>-<seq>}), so each PUBACK can be checked on its own.
 */
class KillDuringLoadFaultIT {

    private static final int CLIENTS = 4;
    private static final int IN_FLIGHT = 32;
    private static final int MAX_PER_CLIENT = 4000;
    private static final int ACKED_BEFORE_KILL = 1000;
    private static final long MAX_LOAD_MS = 10_000;

    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyAcknowledgedUpdateSurvivesKillMinus9() throws Exception {
        node = nodes.create("kill9");
        List<String> devices = IntStream.range(0, CLIENTS).mapToObj(c -> "load-" + c).collect(Collectors.toList());
        Files.writeString(node.manifests().resolve("load.yaml"), Manifests.devices(devices));
        Duration firstBoot = node.start();
        NodeRest rest = new NodeRest(node);
        for (String device : devices) {
            await("device " + device + " is a twin member").atMost(KaredgeNode.BOOT)
                    .until(() -> rest.expectedValues(device).isPresent());
        }

        List<Load> loads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            loads.add(new Load(c, devices.get(c), TwinMqtt.connect(node, "kill9-" + c, IN_FLIGHT)));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = loads.stream().map(load -> new Thread(() -> load.run(running), "load-" + load.client))
                .collect(Collectors.toList());
        long loadStart = System.nanoTime();
        threads.forEach(Thread::start);
        await("acknowledged updates before the kill").atMost(Duration.ofSeconds(60))
                .until(() -> {
                    long acked = loads.stream().mapToLong(l -> l.acked.size()).sum();
                    long elapsedMs = (System.nanoTime() - loadStart) / 1_000_000;
                    return acked >= ACKED_BEFORE_KILL || acked > 0 && elapsedMs >= MAX_LOAD_MS
                            || loads.stream().allMatch(l -> l.finished);
                });
        long inFlightAtKill = loads.stream().mapToLong(l -> l.sent.get() - l.acked.size() - l.failed.get()).sum();
        node.kill9();
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        running.set(false);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        // Paho fails every unacknowledged token once it sees the connection gone
        for (Load load : loads) {
            load.mqtt.awaitConnectionLost(30_000);
            load.mqtt.close();
        }

        Duration restart = node.start();
        long acknowledged = 0;
        long sent = 0;
        long lost = 0;
        long storedUnacknowledged = 0;
        List<String> examples = new ArrayList<>();
        for (Load load : loads) {
            Map<String, String> stored = await("twin of " + load.device + " after the restart")
                    .atMost(KaredgeNode.BOOT).until(() -> rest.expectedValues(load.device), o -> o.isPresent())
                    .orElseThrow();
            sent += load.sent.get();
            acknowledged += load.acked.size();
            for (long seq : load.acked) {
                String expected = load.value(seq);
                if (!expected.equals(stored.get("k" + seq))) {
                    lost++;
                    if (examples.size() < 5) {
                        examples.add(load.device + "/k" + seq + "=" + stored.get("k" + seq) + " (acked " + expected + ")");
                    }
                }
            }
            storedUnacknowledged += stored.keySet().stream().filter(k -> k.startsWith("k"))
                    .filter(k -> !load.acked.contains(Long.parseLong(k.substring(1)))).count();
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("clients", CLIENTS);
        figures.put("inFlightPerClient", IN_FLIGHT);
        figures.put("loadSeconds", String.format("%.1f", loadSeconds));
        figures.put("ackedPerSecond", Math.round(acknowledged / loadSeconds));
        figures.put("inFlightAtKill", inFlightAtKill);
        figures.put("storedButUnacked", storedUnacknowledged);
        figures.put("firstBootMs", firstBoot.toMillis());
        figures.put("restartToReadyMs", restart.toMillis());
        figures.putAll(node.health());
        if (!examples.isEmpty()) {
            figures.put("lostExamples", examples);
        }
        FaultReport.line("kill-9-under-qos1-load", sent + " QoS 1 twin updates from " + CLIENTS + " clients, kill -9, restart",
                acknowledged + " PUBACKs", lost, figures);

        assertThat(acknowledged).as("PUBACKs before the kill").isGreaterThan(0);
        assertThat(lost).as("acknowledged updates missing after kill -9 and restart: %s", examples).isZero();
        assertThat(node.outOfMemoryErrors()).isZero();
    }

    /** One client: publishes as fast as its in-flight window allows and notes every PUBACK. */
    private static final class Load {
        final int client;
        final String device;
        final TwinMqtt mqtt;
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile boolean finished;

        Load(int client, String device, TwinMqtt mqtt) {
            this.client = client;
            this.device = device;
            this.mqtt = mqtt;
        }

        String value(long seq) {
            return "c" + client + "-" + seq;
        }

        void run(AtomicBoolean running) {
            Semaphore window = new Semaphore(IN_FLIGHT);
            String topic = TwinMqtt.updateTopic(device);
            try {
                for (long seq = 1; seq <= MAX_PER_CLIENT && running.get() && !mqtt.connectionLost(); seq++) {
                    while (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        if (!running.get() || mqtt.connectionLost()) {
                            return;
                        }
                    }
                    long sequence = seq;
                    byte[] payload = TwinMqtt.updatePayload("kill9-" + client + "-" + seq, "k" + seq, value(seq));
                    IMqttActionListener listener = new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            acked.add(sequence);
                            window.release();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable failure) {
                            failed.incrementAndGet();
                            window.release();
                        }
                    };
                    while (true) {
                        try {
                            mqtt.publishAsync(topic, payload, 1, false, listener);
                            break;
                        } catch (MqttException e) {
                            // Paho frees its in-flight slot a moment after the PUBACK callback
                            if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || !running.get()) {
                                throw e;
                            }
                            Thread.sleep(1);
                        }
                    }
                    sent.incrementAndGet();
                }
            } catch (MqttException e) {
                // the connection went away with the node
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                finished = true;
            }
        }
    }
}
