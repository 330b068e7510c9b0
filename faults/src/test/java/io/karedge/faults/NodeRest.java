package io.karedge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The node's REST API as a client sees it (JDK HttpClient, HTTP/1.1). */
final class NodeRest {

    private final KaredgeNode node;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    NodeRest(KaredgeNode node) {
        this.node = node;
    }

    static String twinPath(String device) {
        return "/api/v1/namespaces/default/devices/" + device + "/twin";
    }

    /** The expected value of every twin of a device, or empty when the node does not answer 200. */
    Optional<Map<String, String>> expectedValues(String device) {
        try {
            HttpResponse<byte[]> response = http.send(node.request(twinPath(device))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode twins = TwinMqtt.JSON.readTree(response.body()).path("twins");
            Map<String, String> values = new HashMap<>();
            twins.properties().forEach(entry -> {
                JsonNode expected = entry.getValue().path("expected").path("value");
                if (!expected.isMissingNode() && !expected.isNull()) {
                    values.put(entry.getKey(), expected.asText());
                }
            });
            return Optional.of(values);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** @return a bundle's state as {@code GET /api/v1/status} lists it, null when it does not or no 200 came */
    String bundleState(String symbolicName) {
        try {
            HttpResponse<byte[]> response = http.send(node.request("/api/v1/status").timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return null;
            }
            for (JsonNode bundle : TwinMqtt.JSON.readTree(response.body()).path("bundles")) {
                if (symbolicName.equals(bundle.path("symbolicName").asText())) {
                    return bundle.path("state").asText();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@code PUT .../twin} with one desired value; the HTTP status, or -1 when the connection failed. */
    int putDesired(String device, String property, String value) {
        ObjectNode body = TwinMqtt.JSON.createObjectNode();
        body.putObject("desired").put(property, value);
        return put(twinPath(device), body.toString().getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
    }

    int put(String path, byte[] body, Duration timeout) {
        try {
            return http.send(node.request(path).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    int get(String path) {
        return node.restStatus(path);
    }

    HttpClient client() {
        return http;
    }
}
