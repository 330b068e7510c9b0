package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Oversized input: an MQTT twin update over {@code payload.max.bytes} (answered 400), an 8 MiB MQTT
 * publish (over {@code max.message.size}: the connection is closed), a 19 MB REST PUT and six of them
 * at once (HTTP 413). None of them may be stored or acknowledged as stored, and the node stays alive,
 * within its heap (no OutOfMemoryError) and serving.
 */
class OversizedInputFaultIT {

    private static final String DEVICE = "big-1";
    private static final int OVER_TWIN_LIMIT = 100 * 1024;
    private static final int HUGE_MQTT = 8 * 1024 * 1024;
    private static final int HUGE_REST = 19 * 1000 * 1000;
    private static final int CONCURRENT_PUTS = 6;

    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void oversizedInputIsRefusedAndTheNodeStaysWithinItsHeap() throws Exception {
        node = nodes.create("oversized");
        Files.writeString(node.manifests().resolve("big.yaml"), Manifests.devices(List.of(DEVICE)));
        node.start();
        NodeRest rest = new NodeRest(node);
        await("device " + DEVICE + " is a twin member").atMost(KaredgeNode.BOOT)
                .until(() -> rest.expectedValues(DEVICE).isPresent());
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> accepted = new ArrayList<>();

        // 1. over the twin payload limit: a 400 result (or the connection closed), nothing stored
        String overLimit;
        try (TwinMqtt mqtt = TwinMqtt.connect(node, "oversized", 10)) {
            mqtt.subscribeResults(DEVICE);
            TwinMqtt.Outcome outcome = mqtt.publish(TwinMqtt.updateTopic(DEVICE),
                    padded("over-limit", "over-limit", OVER_TWIN_LIMIT), false, 15_000);
            JsonNode result = outcome == TwinMqtt.Outcome.ACKNOWLEDGED ? mqtt.nextResult(DEVICE, 10_000) : null;
            overLimit = outcome == TwinMqtt.Outcome.ACKNOWLEDGED
                    ? "puback/" + (result == null ? "noResult" : result.path("code").asInt(200)) : outcome.name();
        }
        figures.put("mqttOverTwinLimit", OVER_TWIN_LIMIT / 1024 + "KiB->" + overLimit);
        if (!overLimit.equals("puback/400") && !overLimit.equals("puback/413")
                && !overLimit.equals(TwinMqtt.Outcome.CONNECTION_CLOSED.name())) {
            accepted.add("MQTT " + OVER_TWIN_LIMIT / 1024 + " KiB: " + overLimit);
        }

        // 2. far over the broker's packet limit: the connection is closed, no PUBACK
        String huge;
        try (TwinMqtt mqtt = TwinMqtt.connect(node, "oversized-huge", 10)) {
            huge = mqtt.publish(TwinMqtt.updateTopic(DEVICE), padded("huge", "huge", HUGE_MQTT), false, 30_000).name();
        }
        figures.put("mqtt8MiB", huge);
        if (!huge.equals(TwinMqtt.Outcome.CONNECTION_CLOSED.name())) {
            accepted.add("MQTT 8 MiB: " + huge);
        }

        // 3. a 19 MB REST body, then six at once: 413 (for the six, a connection closed without an answer is
        // tolerated: the body was not taken, and the node's health is checked below)
        byte[] body = restBody(HUGE_REST);
        int single = RawPut.put(node.httpPort(), NodeRest.twinPath(DEVICE), body, 60_000, node.bearer());
        figures.put("rest19MB", single);
        if (single != 413) {
            accepted.add("REST 19 MB: HTTP " + single);
        }
        List<CompletableFuture<Integer>> puts = new ArrayList<>();
        for (int i = 0; i < CONCURRENT_PUTS; i++) {
            puts.add(CompletableFuture.supplyAsync(() -> RawPut.put(node.httpPort(), NodeRest.twinPath(DEVICE), body, 90_000, node.bearer())));
        }
        Map<Integer, Integer> concurrent = new TreeMap<>();
        for (CompletableFuture<Integer> put : puts) {
            concurrent.merge(put.get(120, TimeUnit.SECONDS), 1, Integer::sum);
        }
        figures.put("rest19MBx6", concurrent);
        concurrent.forEach((status, count) -> {
            if (status != 413 && status != -1) {
                accepted.add(count + " concurrent REST 19 MB: HTTP " + status);
            }
        });

        // the node is alive, within its heap, and still serves small requests
        Thread.sleep(2000);
        Map<String, String> stored = rest.expectedValues(DEVICE).orElse(Map.of());
        long storedOversized = stored.keySet().stream().filter(k -> k.startsWith("over-limit") || k.startsWith("huge")
                || k.startsWith("rest-huge")).count();
        int smallRest = rest.putDesired(DEVICE, "small", "after-oversized");
        String smallMqtt;
        try (TwinWriter writer = new TwinWriter(node, DEVICE)) {
            smallMqtt = writer.write("small-mqtt", "after-oversized", 10_000).outcome();
        }
        figures.put("smallWritesAfter", "rest " + smallRest + ", mqtt " + smallMqtt);
        figures.putAll(node.health());
        if (!accepted.isEmpty()) {
            figures.put("notRefusedAsRequired", accepted);
        }
        FaultReport.line("oversized-input", "MQTT 100 KiB twin update, MQTT 8 MiB, REST PUT 19 MB, 6 x 19 MB at once",
                "nothing may be (" + storedOversized + " oversized values stored)", storedOversized, figures);

        assertThat(node.isAlive()).as("node process alive").isTrue();
        assertThat(node.outOfMemoryErrors()).as("OutOfMemoryError in the node's log").isZero();
        assertThat(storedOversized).as("oversized values stored").isZero();
        assertThat(accepted).as("oversized input not refused with a clear error").isEmpty();
        assertThat(smallRest).as("a small REST PUT after the oversized input").isEqualTo(200);
        assertThat(smallMqtt).as("a small MQTT twin update after the oversized input").isEqualTo("puback/200");
    }

    /** A twin update whose JSON carries {@code size} bytes of padding next to one small twin. */
    private static byte[] padded(String eventId, String property, int size) {
        String update = new String(TwinMqtt.updatePayload(eventId, property, "v"), StandardCharsets.UTF_8);
        char[] padding = new char[size];
        Arrays.fill(padding, 'p');
        return (update.substring(0, update.length() - 1) + ",\"padding\":\"" + new String(padding) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"desired":{"rest-huge":"xxx..."}}} of about {@code size} bytes. */
    private static byte[] restBody(int size) {
        byte[] head = "{\"desired\":{\"rest-huge\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(tail, 0, body, size - tail.length, tail.length);
        return body;
    }
}
