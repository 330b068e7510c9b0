package io.karedge.bench;

import io.karedge.eventbus.internal.BrokerAccess;
import io.karedge.eventbus.internal.BrokerSettings;
import io.karedge.eventbus.internal.BusMetrics;
import io.karedge.eventbus.internal.EmbeddedBus;
import io.karedge.eventbus.internal.SessionSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Heap held by the embedded broker per persistent session with queued messages: SESSIONS clients connect
 * with cleanSession=0, subscribe and go away; MESSAGES QoS 1 messages of PAYLOAD bytes are published; the
 * heap after a full GC, minus the heap before, divided by the sessions. Also the journal's size.
 * Arguments: sessions messages payload-bytes.
 */
public final class MqttSessionMemory {

    private MqttSessionMemory() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(args[0]);
        int messages = Integer.parseInt(args[1]);
        int payloadBytes = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("karedge-session-bench");
        BrokerSettings defaults = BrokerSettings.loopback(0);
        BrokerSettings settings = new BrokerSettings("127.0.0.1", 0, defaults.maxMessageSize(), 100,
                Math.max(messages, 1000), 100, 10, 2, defaults.maxRetainedBytes(), 64L * 1024 * 1024,
                4L * 1024 * 1024 * 1024, defaults.maxPendingBytes(), defaults.maxPendingTotalBytes());
        EmbeddedBus bus = new EmbeddedBus(settings, BrokerAccess.anonymous(),
                new SessionSettings(dir.resolve("sessions.journal"), 3600, true), 1,
                (topic, payload) -> CompletableFuture.completedFuture(null), new BusMetrics());
        bus.start();
        String url = bus.address();
        for (int i = 0; i < sessions; i++) {
            MqttAsyncClient client = new MqttAsyncClient(url, "session-" + i, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            client.connect(options).waitForCompletion(10_000);
            client.subscribe("memory/#", 1).waitForCompletion(10_000);
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
        long before = usedHeap();
        MqttAsyncClient publisher = new MqttAsyncClient(url, "publisher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        publisher.connect(options).waitForCompletion(10_000);
        byte[] payload = new byte[payloadBytes];
        long start = System.nanoTime();
        for (int m = 0; m < messages; m++) {
            publisher.publish("memory/" + (m % 10), payload, 1, false).waitForCompletion(10_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        publisher.disconnect().waitForCompletion(10_000);
        publisher.close();
        long after = usedHeap();
        long perSession = (after - before) / sessions;
        System.out.printf("%d persistent sessions, %d queued QoS 1 messages of %d bytes each%n", sessions, messages,
                payloadBytes);
        System.out.printf("heap held: %,d bytes in all, %,d per session, %,d per queued message and session"
                + " (one payload array is shared by all the sessions it is queued for)%n", after - before, perSession,
                perSession / messages);
        System.out.printf("journal: %,d bytes; publishing took %.1f s (%.0f messages/s, each one journaled for %d"
                + " sessions and forced to disk before its PUBACK)%n", Files.size(dir.resolve("sessions.journal")),
                seconds, messages / seconds, sessions);
        bus.close();
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
