package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A flood of large retained messages (40 x just under 4 MiB, the broker's packet limit) against a
 * node with a 128 MiB heap: the broker refuses what is over its byte budget (closes the connection,
 * no PUBACK), keeps every retained message it acknowledged, never runs out of memory, and answers
 * afterwards.
 */
class RetainedFloodFaultIT {

    private static final int MESSAGES = 40;
    private static final int SIZE = 4 * 1024 * 1024 - 1024;

    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void retainedFloodIsBoundedByBytes() throws Exception {
        node = nodes.create("retained-flood");
        Files.writeString(node.manifests().resolve("flood.yaml"), Manifests.devices(List.of("flood-1")));
        node.start();
        byte[] payload = new byte[SIZE];
        Map<String, Integer> outcomes = new TreeMap<>();
        Set<Integer> acknowledged = new java.util.TreeSet<>();
        long started = System.nanoTime();
        TwinMqtt mqtt = null;
        try {
            for (int i = 0; i < MESSAGES && node.isAlive(); i++) {
                if (mqtt == null || mqtt.connectionLost()) {
                    if (mqtt != null) {
                        mqtt.close();
                    }
                    mqtt = TwinMqtt.connect(node, "flood", 10);
                }
                payload[0] = (byte) i;
                TwinMqtt.Outcome outcome = mqtt.publish("faults/retained/" + i, payload, true, 30_000);
                outcomes.merge(outcome.name(), 1, Integer::sum);
                if (outcome == TwinMqtt.Outcome.ACKNOWLEDGED) {
                    acknowledged.add(i);
                }
            }
        } catch (MqttException e) {
            outcomes.merge("connectFailed", 1, Integer::sum);
        } finally {
            if (mqtt != null) {
                mqtt.close();
            }
        }
        long floodMs = (System.nanoTime() - started) / 1_000_000;

        Set<Integer> kept = node.isAlive() ? retainedTopics(acknowledged) : Set.of();
        long lost = acknowledged.stream().filter(i -> !kept.contains(i)).count();
        String smallMqtt;
        try (TwinWriter writer = new TwinWriter(node, "flood-1")) {
            smallMqtt = writer.write("after-flood", "ok", 10_000).outcome();
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("messageBytes", SIZE);
        figures.put("outcomes", outcomes);
        figures.put("retainedKept", kept.size());
        figures.put("retainedKeptMiB", kept.size() * (long) SIZE / (1024 * 1024));
        figures.put("floodMs", floodMs);
        figures.put("twinUpdateAfter", smallMqtt);
        figures.putAll(node.health());
        FaultReport.line("retained-flood", MESSAGES + " retained publishes of " + SIZE / 1024 + " KiB",
                acknowledged.size() + " PUBACKs", lost, figures);

        assertThat(node.isAlive()).as("node process alive").isTrue();
        assertThat(node.outOfMemoryErrors()).as("OutOfMemoryError in the node's log").isZero();
        assertThat(acknowledged.size()).as("retained publishes acknowledged: the budget must refuse some of %s",
                MESSAGES).isLessThan(MESSAGES);
        // MQTT 3.1.1, 3.3.1.3 [MQTT-3.3.1-5]: a retained PUBLISH the server accepts must be stored for future
        // subscribers; a PUBACK for one that was not stored tells the client something untrue, so the way to
        // refuse one over the budget is to close the connection without acknowledging it
        assertThat(lost).as("acknowledged retained messages that were not kept").isZero();
        assertThat(smallMqtt).as("a twin update after the flood").isEqualTo("puback/200");
    }

    /**
     * Subscribes to each acknowledged topic in turn and collects the retained messages the broker sends.
     * One topic at a time: a subscriber is sent no more than {@code max.queued.bytes} (8 MiB) at once, so a
     * wildcard over several 4 MiB retained messages would be cut short by the reader's own budget.
     */
    private Set<Integer> retainedTopics(Set<Integer> acknowledged) throws Exception {
        Set<Integer> topics = ConcurrentHashMap.newKeySet();
        try (TwinMqtt mqtt = TwinMqtt.connect(node, "flood-reader", 10)) {
            for (int i : acknowledged) {
                String topic = "faults/retained/" + i;
                CountDownLatch received = new CountDownLatch(1);
                mqtt.client().subscribe(topic, 1, (t, message) -> {
                    if (message.isRetained()) {
                        topics.add(i);
                        received.countDown();
                    }
                }).waitForCompletion(30_000);
                received.await(15, TimeUnit.SECONDS);
                mqtt.client().unsubscribe(topic).waitForCompletion(30_000);
            }
        }
        return topics;
    }
}
