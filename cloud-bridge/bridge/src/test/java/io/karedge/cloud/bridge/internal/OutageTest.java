package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.store.internal.StoreComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** 10,000 twin reports queued while the cloud is away are all delivered, in order, once each. */
@Timeout(180)
class OutageTest {

    static final int CHANGES = 10_000;

    @TempDir
    Path data;

    @Test
    void everythingQueuedDuringAnOutageIsDeliveredInOrderOnce() throws Exception {
        try (CloudHubDouble cloud = new CloudHubDouble()) {
            StoreComponent store = Fixtures.openStore(data);
            Map<String, Object> values = Fixtures.fast(cloud);
            values.put("register.node", false);
            values.put("uplink.window", 256);
            Fixtures.cloudDevices(store, cloud, "default", devices());
            CloudBridgeComponent bridge = Fixtures.bridge(values, store, data);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().state() == LinkState.CONNECTED);
                cloud.accepting = false;
                cloud.dropSessions();
                await().atMost(Duration.ofSeconds(10)).until(() -> bridge.snapshot().state() != LinkState.CONNECTED);

                enqueue(store);
                assertThat(store.depth()).isEqualTo(CHANGES);

                long started = System.nanoTime();
                cloud.accepting = true;
                await().atMost(Duration.ofSeconds(120)).until(() -> store.depth() == 0);
                System.out.printf("outage test: %d twin reports drained in %.1f s after reconnect (%d reconnects)%n",
                        CHANGES, (System.nanoTime() - started) / 1e9, bridge.snapshot().reconnects());

                List<Integer> seen = new ArrayList<>();
                for (Message message : cloud.received) {
                    if (message.resource().endsWith("/twin/edge_updated")) {
                        seen.add(message.content().path("n").asInt());
                    }
                }
                assertThat(seen).hasSize(CHANGES);
                Set<Integer> distinct = new HashSet<>(seen);
                assertThat(distinct).hasSize(CHANGES);
                assertThat(seen).isSorted();
                assertThat(bridge.snapshot().deadLetters()).isZero();
                assertThat(cloud.invalidFrames.get()).isZero();
            } finally {
                bridge.deactivate();
                Fixtures.closeStore(store);
            }
        }
    }

    static String[] devices() {
        String[] names = new String[50];
        for (int i = 0; i < names.length; i++) {
            names[i] = "dev-" + i;
        }
        return names;
    }

    private static void enqueue(StoreComponent store) throws Exception {
        // several producers, so the store's group commit takes them in batches; order is the sequence order
        ExecutorService producers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            Object order = new Object();
            int[] next = {0};
            for (int t = 0; t < 8; t++) {
                futures.add(producers.submit(() -> {
                    while (true) {
                        synchronized (order) {
                            if (next[0] >= CHANGES) {
                                return null;
                            }
                            int n = next[0]++;
                            store.enqueue(new UplinkMessage("twin", "resource", "update",
                                    "device/default/dev-" + (n % 50) + "/twin/edge_updated",
                                    io.karedge.api.json.KaredgeJson.mapper().createObjectNode().put("n", n), null));
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            producers.shutdown();
        }
    }
}
