package io.karedge.kube.api.internal;

import static io.karedge.kube.api.internal.KubeApiFabric8Test.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.test.support.InMemoryMetaStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile and malformed writes on the wire: each gets a Kubernetes Status, and nothing is stored. */
@Timeout(60)
class KubeApiWriteHttpTest {

    private static final String CONFIGMAPS = "/api/v1/namespaces/app/configmaps";

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private KubeApiServer server;
    private int writesBefore;

    @BeforeEach
    void start() throws Exception {
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"own\","
                + "\"namespace\":\"app\"},\"data\":{\"a\":\"1\"}}"), "local");
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"edge-1\"}}"), "cloud");
        server = KubeApiServer.start(store, KubeApiSettings.defaults().withPort(0), Clock.systemUTC(),
                Authorized.ACCESS);
        writesBefore = store.writeCalls.get();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String contentType, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpRequest.Builder request = Authorized.request(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20)).method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        return send(method, path, contentType, HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonNode assertStatus(HttpResponse<String> response, int code, String reason) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        JsonNode status = KaredgeJson.mapper().readTree(response.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("status").asText()).isEqualTo("Failure");
        assertThat(status.path("reason").asText()).isEqualTo(reason);
        assertThat(status.path("code").asInt()).isEqualTo(code);
        assertThat(status.path("message").asText()).isNotEmpty().doesNotContain("\n").doesNotContain("Exception");
        return status;
    }

    private void assertNothingStored() {
        assertThat(store.writeCalls.get()).isEqualTo(writesBefore);
        assertThat(store.get(ObjectKey.of(Kinds.CONFIG_MAP, "app", "own")).orElseThrow().object().path("data")
                .toString()).isEqualTo("{\"a\":\"1\"}");
    }

    @Test
    void malformedBodiesAreBadRequests() throws Exception {
        assertStatus(send("POST", CONFIGMAPS, "application/json", "{\"kind\":\"ConfigMap\",\"metadata\":"), 400,
                "BadRequest");
        assertStatus(send("POST", CONFIGMAPS, "application/json", "{} {}"), 400, "BadRequest");
        assertStatus(send("POST", CONFIGMAPS, "application/json", ""), 400, "BadRequest");
        assertStatus(send("POST", CONFIGMAPS, "application/json", "[1,2]"), 400, "BadRequest");
        assertStatus(send("POST", CONFIGMAPS, "application/json", "[".repeat(10_000)), 400, "BadRequest");
        assertStatus(send("POST", CONFIGMAPS, "application/json; charset=latin1", "{}"), 400, "BadRequest");
        assertStatus(send("POST", CONFIGMAPS, "application/json", HttpRequest.BodyPublishers.ofByteArray(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'})), 400, "BadRequest");
        assertStatus(send("PATCH", CONFIGMAPS + "/own", "application/merge-patch+json", "{\"data\":"), 400,
                "BadRequest");
        assertStatus(send("PATCH", CONFIGMAPS + "/own", "application/json-patch+json", "{\"op\":\"add\"}"), 400,
                "BadRequest");
        assertStatus(send("PATCH", CONFIGMAPS + "/own", "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/data/missing/x\",\"value\":\"1\"}]"), 422, "Invalid");
        assertNothingStored();
    }

    @Test
    void oversizedBodiesAreRefusedWith413() throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        JsonNode status = assertStatus(send("POST", CONFIGMAPS, "application/json",
                HttpRequest.BodyPublishers.ofByteArray(big)), 413, "RequestEntityTooLarge");
        assertThat(status.path("message").asText()).contains("1048576");
        // chunked, no Content-Length: cut after the limit
        assertStatus(send("PUT", CONFIGMAPS + "/own", "application/json", HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big))), 413, "RequestEntityTooLarge");
        assertNothingStored();
        // the server still answers
        assertThat(send("GET", CONFIGMAPS + "/own", null, HttpRequest.BodyPublishers.noBody()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void bodiesThatDoNotMatchThePathAreRefused() throws Exception {
        JsonNode kind = assertStatus(send("POST", CONFIGMAPS, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest");
        assertThat(kind.path("message").asText()).contains("Secret").contains("ConfigMap");
        assertStatus(send("POST", CONFIGMAPS, "application/json",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest");
        JsonNode namespace = assertStatus(send("POST", CONFIGMAPS, "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"}}"), 400, "BadRequest");
        assertThat(namespace.path("message").asText()).contains("namespace");
        JsonNode name = assertStatus(send("PUT", CONFIGMAPS + "/own", "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"other\"},\"data\":{\"a\":\"2\"}}"), 400, "BadRequest");
        assertThat(name.path("message").asText()).contains("does not match the name on the URL");
        assertStatus(send("PATCH", CONFIGMAPS + "/own", "application/merge-patch+json",
                "{\"metadata\":{\"name\":\"other\"}}"), 400, "BadRequest");
        assertStatus(send("POST", CONFIGMAPS, "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"5\"}}"), 400,
                "BadRequest");
        assertNothingStored();
    }

    @Test
    void invalidObjectsAre422() throws Exception {
        assertStatus(send("POST", CONFIGMAPS, "application/json", "{\"kind\":\"ConfigMap\",\"metadata\":{}}"), 422,
                "Invalid");
        assertStatus(send("POST", CONFIGMAPS, "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":1}}}"), 422, "Invalid");
        assertStatus(send("POST", CONFIGMAPS, "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":{\"a\":{\"b\":1}}}"), 422, "Invalid");
        assertStatus(send("POST", "/api/v1/namespaces/app/secrets", "application/json",
                "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"},\"data\":{\"a\":\"not base64!\"}}"), 422, "Invalid");
        int before = store.writeCalls.get();
        JsonNode badName = assertStatus(send("POST", CONFIGMAPS, "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Bad_Name\"}}"), 422, "Invalid");
        assertThat(badName.path("message").asText()).contains("Bad_Name");
        assertThat(store.get(ObjectKey.of(Kinds.CONFIG_MAP, "app", "Bad_Name"))).isEmpty();
        assertThat(store.writeCalls.get()).isEqualTo(before + 1);
    }

    @Test
    void unsupportedMediaTypesAndMethodsAreRefused() throws Exception {
        JsonNode apply = assertStatus(send("PATCH", CONFIGMAPS + "/own?fieldManager=kubectl",
                "application/apply-patch+yaml", "data: {a: '2'}"), 415, "UnsupportedMediaType");
        assertThat(apply.path("message").asText()).contains("server-side apply");
        assertStatus(send("POST", CONFIGMAPS, "application/yaml", "kind: ConfigMap"), 415, "UnsupportedMediaType");
        assertStatus(send("PATCH", CONFIGMAPS + "/own", "text/plain", "{}"), 415, "UnsupportedMediaType");
        assertStatus(send("PUT", "/api/v1/nodes/edge-1", "application/json", "{\"kind\":\"Node\"}"), 405,
                "MethodNotAllowed");
        assertStatus(send("POST", "/api/v1/namespaces/app/endpoints", "application/json", "{}"), 405,
                "MethodNotAllowed");
        assertStatus(send("DELETE", CONFIGMAPS, null, ""), 405, "MethodNotAllowed");
        assertStatus(send("POST", "/api/v1/configmaps", "application/json", "{}"), 405, "MethodNotAllowed");
        assertStatus(send("PUT", CONFIGMAPS + "/own/status", "application/json", "{}"), 405, "MethodNotAllowed");
        assertStatus(send("POST", CONFIGMAPS + "?dryRun=Some", "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest");
        assertNothingStored();
    }

    @Test
    void dryRunChecksAndStoresNothing() throws Exception {
        HttpResponse<String> created = send("POST", CONFIGMAPS + "?dryRun=All", "application/json",
                "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":{\"b\":\"2\"}}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(KaredgeJson.mapper().readTree(created.body()).path("data").path("b").asText()).isEqualTo("2");
        assertThat(send("DELETE", CONFIGMAPS + "/own?dryRun=All", null, "").statusCode()).isEqualTo(200);
        assertNothingStored();
    }

    @Test
    void strategicMergeAndJsonPatchOnAPod() throws Exception {
        assertThat(send("POST", "/api/v1/namespaces/app/pods", "application/json", "{\"kind\":\"Pod\",\"metadata\":"
                + "{\"name\":\"web\"},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"a:1\",\"env\":[{\"name\":"
                + "\"X\",\"value\":\"1\"}]},{\"name\":\"side\",\"image\":\"b:1\"}]}}").statusCode()).isEqualTo(201);
        HttpResponse<String> patched = send("PATCH", "/api/v1/namespaces/app/pods/web",
                "application/strategic-merge-patch+json", "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":"
                        + "\"main\"},{\"name\":\"side\"}],\"containers\":[{\"name\":\"main\",\"image\":\"a:2\",\"env\":"
                        + "[{\"name\":\"Y\",\"value\":\"2\"}]},{\"name\":\"side\",\"$patch\":\"delete\"}]}}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode spec = store.get(ObjectKey.of(Kinds.POD, "app", "web")).orElseThrow().object().path("spec");
        assertThat(spec.path("containers").toString()).isEqualTo("[{\"name\":\"main\",\"image\":\"a:2\",\"env\":"
                + "[{\"name\":\"X\",\"value\":\"1\"},{\"name\":\"Y\",\"value\":\"2\"}]}]");
        HttpResponse<String> jsonPatched = send("PATCH", "/api/v1/namespaces/app/pods/web",
                "application/json-patch+json", "[{\"op\":\"test\",\"path\":\"/spec/containers/0/name\",\"value\":"
                        + "\"main\"},{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"a:3\"},"
                        + "{\"op\":\"remove\",\"path\":\"/spec/containers/0/env/0\"}]");
        assertThat(jsonPatched.statusCode()).as(jsonPatched.body()).isEqualTo(200);
        assertThat(store.get(ObjectKey.of(Kinds.POD, "app", "web")).orElseThrow().object().path("spec")
                .path("containers").toString()).isEqualTo("[{\"name\":\"main\",\"image\":\"a:3\",\"env\":"
                + "[{\"name\":\"Y\",\"value\":\"2\"}]}]");
    }

    @Test
    void secretStringDataIsStoredAsData() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/namespaces/app/secrets", "application/json",
                "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"token\"},\"data\":{\"a\":\"YQ==\"},"
                        + "\"stringData\":{\"b\":\"b\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode secret = store.get(ObjectKey.of(Kinds.SECRET, "app", "token")).orElseThrow().object();
        assertThat(secret.path("data").toString()).isEqualTo("{\"a\":\"YQ==\",\"b\":\"Yg==\"}");
        assertThat(secret.has("stringData")).isFalse();
    }

    @Test
    void discoveryListsTheWriteVerbsOfWritableKindsOnly() throws Exception {
        String core = send("GET", "/api/v1", null, HttpRequest.BodyPublishers.noBody()).body();
        JsonNode resources = KaredgeJson.mapper().readTree(core).path("resources");
        for (JsonNode resource : resources) {
            String verbs = resource.path("verbs").toString();
            boolean writable = !resource.path("name").asText().equals("nodes")
                    && !resource.path("name").asText().equals("endpoints");
            assertThat(verbs.contains("\"create\"")).as(resource.path("name").asText()).isEqualTo(writable);
        }
    }
}
