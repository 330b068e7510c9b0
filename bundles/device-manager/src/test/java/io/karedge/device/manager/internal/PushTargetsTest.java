package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.karedge.api.device.PushMethod;
import io.karedge.api.json.KaredgeJson;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PushTargetsTest {

    private final PushTargets.Reading reading = new PushTargets.Reading("plant", "thermo", "temperature", "21.5",
            "float", Instant.ofEpochMilli(1767225600000L));

    @Test
    void postsTheReadingAsJsonToTheHttpTarget() throws Exception {
        List<JsonNode> bodies = new CopyOnWriteArrayList<>();
        List<String> paths = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type"));
            bodies.add(KaredgeJson.mapper().readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/fail") ? 500 : 204, -1);
            exchange.close();
        });
        server.start();
        var executor = Executors.newSingleThreadExecutor();
        try (PushTargets targets = new PushTargets(executor)) {
            assertThat(targets.httpClientBuilt()).as("no HTTP client before the first HTTP push").isFalse();
            long port = server.getAddress().getPort();
            String error = targets.push(new PushMethod(new PushMethod.Http("127.0.0.1", port, "readings", 2000L),
                    null, null, null, null), reading).get(5, TimeUnit.SECONDS);
            assertThat(error).isNull();
            assertThat(targets.httpClientBuilt()).isTrue();
            assertThat(paths).containsExactly("POST /readings application/json");
            JsonNode body = bodies.get(0);
            assertThat(body.path("namespace").asText()).isEqualTo("plant");
            assertThat(body.path("deviceName").asText()).isEqualTo("thermo");
            assertThat(body.path("propertyName").asText()).isEqualTo("temperature");
            assertThat(body.path("value").asText()).isEqualTo("21.5");
            assertThat(body.path("type").asText()).isEqualTo("float");
            assertThat(body.path("timestamp").asLong()).isEqualTo(1767225600000L);

            String failed = targets.push(new PushMethod(new PushMethod.Http("http://127.0.0.1", port, "/fail", 2000L),
                    null, null, null, null), reading).get(5, TimeUnit.SECONDS);
            assertThat(failed).contains("answered 500");
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Test
    void buildsTheHttpUriFromHostPortAndPath() {
        assertThat(PushTargets.httpUri(new PushMethod.Http("https://example.test", 8443L, "a/b", null)))
                .isEqualTo(URI.create("https://example.test:8443/a/b"));
        assertThat(PushTargets.httpUri(new PushMethod.Http("10.0.0.1", null, null, null)))
                .isEqualTo(URI.create("http://10.0.0.1"));
    }

    @Test
    void anMqttTargetWithoutTopicIsReportedAsAnError() throws Exception {
        try (PushTargets targets = new PushTargets(Runnable::run)) {
            String error = targets.push(new PushMethod(null, new PushMethod.Mqtt("tcp://127.0.0.1:1", null, 0, false),
                    null, null, null), reading).get(5, TimeUnit.SECONDS);
            assertThat(error).contains("needs address and topic");
            assertThat(targets.httpClientBuilt()).as("an MQTT push needs no HTTP client").isFalse();
        }
    }
}
