package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A manifest of several devices rewritten in place as an editor or {@code cp} does it: the file is
 * truncated, the first part written, a pause, then the rest. With pauses of 0.3, 0.5 and 3 s, no
 * device may be deleted (a REST watch on the devices sees every DELETED event) and every twin value
 * set over MQTT and REST before the rewrite must still be there after it.
 */
class ManifestRewriteFaultIT {

    private static final List<String> DEVICES = List.of("fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-e", "fleet-f");
    private static final double[] PAUSES = {0.3, 0.5, 3.0};
    private static final Duration SETTLE = Duration.ofSeconds(6);

    private KaredgeNode node;
    private CompletableFuture<?> watch;

    @AfterEach
    void stopNode() {
        if (watch != null) {
            watch.cancel(true);
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void rewritingAManifestInPlaceKeepsEveryDeviceAndTwinValue() throws Exception {
        node = KaredgeNode.create("manifest-rewrite");
        Path manifest = node.manifests().resolve("fleet.yaml");
        String yaml = Manifests.devices(DEVICES);
        Files.writeString(manifest, yaml);
        node.start();
        NodeRest rest = new NodeRest(node);
        for (String device : DEVICES) {
            await("device " + device + " is a twin member").atMost(KaredgeNode.BOOT)
                    .until(() -> rest.expectedValues(device).isPresent());
        }
        List<String> deleted = watchDeletions(rest);

        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        int split = yaml.indexOf("---\n" + Manifests.device(DEVICES.get(3)));
        List<String> rounds = new ArrayList<>();
        long totalLost = 0;
        long totalMissingDevices = 0;
        long totalDeleted = 0;
        int written = 0;
        for (double pause : PAUSES) {
            Map<String, Map<String, String>> expected = new LinkedHashMap<>();
            try (TwinMqtt mqtt = TwinMqtt.connect(node, "manifest", 10)) {
                for (String device : DEVICES) {
                    written++;
                    String mqttValue = "m" + written;
                    String restValue = "r" + written;
                    assertThat(mqtt.publish(TwinMqtt.updateTopic(device),
                            TwinMqtt.updatePayload("manifest-" + written, "via-mqtt", mqttValue), false, 10_000))
                            .as("PUBACK of a twin update of %s", device).isEqualTo(TwinMqtt.Outcome.ACKNOWLEDGED);
                    assertThat(rest.putDesired(device, "via-rest", restValue)).as("REST PUT to %s", device).isEqualTo(200);
                    expected.put(device, Map.of("via-mqtt", mqttValue, "via-rest", restValue));
                }
            }
            for (String device : DEVICES) {
                await("twin of " + device + " shows the values just written").atMost(Duration.ofSeconds(30))
                        .until(() -> rest.expectedValues(device).map(v -> v.entrySet().containsAll(
                                expected.get(device).entrySet())).orElse(false));
            }
            int deletedBefore = deleted.size();

            rewriteInTwoWrites(manifest, bytes, split, Duration.ofMillis(Math.round(pause * 1000)));
            Thread.sleep(SETTLE.toMillis());

            long missingDevices = DEVICES.stream()
                    .filter(d -> rest.get("/api/v1/namespaces/default/devices/" + d) != 200).count();
            long lost = 0;
            for (String device : DEVICES) {
                Map<String, String> now = rest.expectedValues(device).orElse(Map.of());
                lost += expected.get(device).entrySet().stream().filter(e -> !e.getValue().equals(now.get(e.getKey())))
                        .count();
            }
            List<String> deletedNow = new ArrayList<>(deleted.subList(deletedBefore, deleted.size()));
            rounds.add(String.format("pause %.1fs: deleted %s, missing %d, twin values lost %d", pause,
                    deletedNow.isEmpty() ? "none" : deletedNow, missingDevices, lost));
            totalLost += lost;
            totalMissingDevices += missingDevices;
            totalDeleted += deletedNow.size();
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("devices", DEVICES.size());
        figures.put("rounds", rounds);
        figures.put("deletedEvents", totalDeleted);
        figures.put("devicesMissing", totalMissingDevices);
        figures.putAll(node.health());
        FaultReport.line("manifest-rewrite-in-place", "fleet.yaml (" + DEVICES.size()
                + " devices) rewritten in two writes, pauses 0.3/0.5/3 s", DEVICES.size() * 2 * PAUSES.length
                + " twin values (PUBACK or 200)", totalLost, figures);

        assertThat(totalDeleted).as("devices deleted while their manifest was rewritten: %s", rounds).isZero();
        assertThat(totalMissingDevices).as("devices missing after the rewrite: %s", rounds).isZero();
        assertThat(totalLost).as("twin values lost by the rewrite: %s", rounds).isZero();
    }

    /** Truncates the file and writes it again in two parts with a pause between (same inode). */
    private static void rewriteInTwoWrites(Path file, byte[] content, int split, Duration pause) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(content, 0, split));
            channel.force(true);
            Thread.sleep(pause.toMillis());
            channel.write(ByteBuffer.wrap(content, split, content.length - split));
            channel.force(true);
        }
    }

    /** A REST watch on the devices from the current version; the names of DELETED events land in the list. */
    private List<String> watchDeletions(NodeRest rest) throws Exception {
        HttpResponse<byte[]> list = rest.client().send(node.request(
                "/api/v1/namespaces/default/devices").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        String version = TwinMqtt.JSON.readTree(list.body()).path("metadata").path("resourceVersion").asText();
        List<String> deleted = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        watch = rest.client().sendAsync(node.request(("/api/v1/namespaces/default/devices?watch=true"
                + "&resourceVersion=" + version + "&timeoutSeconds=1800")).GET().build(),
                HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    opened.complete(null);
                    try (Stream<String> lines = response.body()) {
                        lines.filter(line -> !line.isBlank()).forEach(line -> {
                            try {
                                JsonNode event = TwinMqtt.JSON.readTree(line);
                                if ("DELETED".equals(event.path("type").asText())) {
                                    deleted.add(event.path("object").path("metadata").path("name").asText());
                                }
                            } catch (java.io.IOException e) {
                                deleted.add("unparsable watch line");
                            }
                        });
                    }
                });
        opened.get(30, TimeUnit.SECONDS);
        return deleted;
    }

}
