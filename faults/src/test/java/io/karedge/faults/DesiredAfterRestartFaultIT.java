package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * The desired value a user set at the edge outlives the node: the demo's virtual {@code thermometer-02} has
 * {@code setpoint} desired 20 in its manifest; a REST PUT makes it 18; after a clean stop and start, and after
 * a kill -9 and start, the twin still wants 18 at every look and the device is driven back to 18, never to
 * the manifest's 20 (the manifest did not change, so it is no new desired value).
 *
 * <p>The virtual device is simulated: its driver opens it at its configured power-on value (20, as the
 * manifest's), and the node writes the desired 18 after its first read. So a restarted node may report 20 once;
 * what may not happen is a 20 after the device reported 18 since the restart. The twin still holds the last
 * value from before the restart until the device reports, so only values reported since the restart (their
 * {@code metadata.timestamp}) count.
 */
class DesiredAfterRestartFaultIT {

    private static final String DEVICE = "thermometer-02";
    private static final String PROPERTY = "setpoint";
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anEdgeDesiredValueOutlivesAStopAndAKill() throws Exception {
        node = nodes.create("desired-restart");
        Files.copy(node.home().resolve("etc").resolve("manifests").resolve("demo-devices.yaml"),
                node.manifests().resolve("demo-devices.yaml"));
        node.start();
        await().atMost(SETTLE).until(() -> is(twin().expected(), 20));

        int status = new NodeRest(node).putDesired(DEVICE, PROPERTY, "18");
        assertThat(status).as("PUT of the desired value").isEqualTo(200);
        await().atMost(SETTLE).until(() -> is(twin().actual(), 18));

        Map<String, Object> figures = new LinkedHashMap<>();
        node.stop();
        long restarted = System.currentTimeMillis();
        node.start();
        figures.put("afterStop", holdsTheEdgeValue(restarted));
        node.kill9();
        restarted = System.currentTimeMillis();
        node.start();
        figures.put("afterKill", holdsTheEdgeValue(restarted));
        FaultReport.line("desired-restart", "an edge desired value, then a clean stop and a kill -9", "1 PUT", 0,
                figures);
    }

    /**
     * Samples the twin every 200 ms until the device reported 18 since the restart and then for 5 s more: the
     * expected value is 18 at every look, and once the device reported 18 it never shows 20 again.
     *
     * @param restarted when the node was started again (ms since the epoch): reports before it are old
     * @return seconds from the node's readiness until the device reported 18 again
     */
    private double holdsTheEdgeValue(long restarted) throws Exception {
        long start = System.nanoTime();
        List<String> seen = new ArrayList<>();
        long drivenAt = -1;
        while (System.nanoTime() - start < SETTLE.toNanos()) {
            Twin twin = twin();
            boolean fresh = twin.actualAt() >= restarted;
            seen.add(twin.expected() + "/" + twin.actual() + (fresh ? "" : " (old)"));
            assertThat(twin.expected() == null || is(twin.expected(), 18))
                    .as("expected value after the restart is 18 at every look: " + seen).isTrue();
            if (drivenAt < 0 && fresh && is(twin.actual(), 18)) {
                drivenAt = System.nanoTime();
            }
            if (drivenAt >= 0) {
                assertThat(is(twin.actual(), 18)).as("actual stays 18 once driven there: " + seen).isTrue();
                if (System.nanoTime() - drivenAt > Duration.ofSeconds(5).toNanos()) {
                    return (drivenAt - start) / 1e9;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the device was not driven back to 18 within " + SETTLE + ": " + seen);
    }

    /** The twin's expected and actual value of the setpoint, null where the node does not answer yet. */
    private Twin twin() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(node.request(NodeRest.twinPath(DEVICE))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Twin(null, null, 0);
            }
            JsonNode property = TwinMqtt.JSON.readTree(response.body()).path("twins").path(PROPERTY);
            JsonNode actual = property.path("actual");
            return new Twin(text(property.path("expected").path("value")), text(actual.path("value")),
                    actual.path("metadata").path("timestamp").asLong(0));
        } catch (IOException e) {
            return new Twin(null, null, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Twin(null, null, 0);
        }
    }

    private static boolean is(String value, double wanted) {
        try {
            return value != null && Double.parseDouble(value) == wanted;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    /** @param actualAt when the actual value was reported (its {@code metadata.timestamp}, ms), 0 if unknown */
    private record Twin(String expected, String actual, long actualAt) {
    }
}
