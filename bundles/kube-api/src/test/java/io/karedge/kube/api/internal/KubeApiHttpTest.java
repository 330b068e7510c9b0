package io.karedge.kube.api.internal;

import static io.karedge.kube.api.internal.KubeApiFabric8Test.json;
import static io.karedge.kube.api.internal.KubeApiFabric8Test.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchListener;
import io.karedge.test.support.InMemoryMetaStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The API on the wire: discovery, Tables, bookmarks, and Status errors for hostile or bad requests. */
@Timeout(60)
class KubeApiHttpTest {

    /** Keeps changes from version 3 on only, as a store that pruned its history would. */
    private static final class PrunedStore implements MetaStore {
        final InMemoryMetaStore delegate = new InMemoryMetaStore();

        @Override
        public StoredObject put(ObjectNode object, String source) {
            return delegate.put(object, source);
        }

        @Override
        public Optional<StoredObject> get(ObjectKey key) {
            return delegate.get(key);
        }

        @Override
        public ListResult list(Selector selector) {
            return delegate.list(selector);
        }

        @Override
        public Optional<StoredObject> delete(ObjectKey key) {
            return delegate.delete(key);
        }

        @Override
        public long resourceVersion() {
            return delegate.resourceVersion();
        }

        @Override
        public long oldestWatchableVersion() {
            return 2;
        }

        @Override
        public Watch watch(Selector selector, long fromVersion, WatchListener listener)
                throws ResourceVersionTooOldException {
            if (fromVersion >= 0 && fromVersion < 2) {
                throw new ResourceVersionTooOldException(fromVersion, 2);
            }
            return delegate.watch(selector, fromVersion, listener);
        }

        @Override
        public Map<String, Long> countByKind() {
            return delegate.countByKind();
        }
    }

    private final PrunedStore store = new PrunedStore();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private KubeApiServer server;

    @BeforeEach
    void start() throws Exception {
        store.put(pod("shop", "web-1", "edge-1", "web"), "cloud");
        store.put(pod("shop", "web-2", "edge-1", "web"), "cloud");
        store.put(json("{\"kind\":\"Device\",\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"metadata\":{\"name\":"
                + "\"d1\",\"namespace\":\"default\"}}"), "manifest:x.yaml");
        server = KubeApiServer.start(store, new KubeApiSettings("127.0.0.1", 0, 2, 1024, 1800, 1, 100),
                Clock.systemUTC(), Authorized.ACCESS);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = Authorized.request(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response) throws Exception {
        return KaredgeJson.mapper().readTree(response.body());
    }

    private void assertStatus(String path, int code, String reason) throws Exception {
        HttpResponse<String> response = get(path, null);
        assertThat(response.statusCode()).as(path).isEqualTo(code);
        JsonNode status = body(response);
        assertThat(status.path("kind").asText()).as(path).isEqualTo("Status");
        assertThat(status.path("status").asText()).isEqualTo("Failure");
        assertThat(status.path("reason").asText()).as(path).isEqualTo(reason);
        assertThat(status.path("code").asInt()).isEqualTo(code);
        assertThat(status.path("message").asText()).isNotEmpty();
    }

    @Test
    void discoveryDescribesTheCoreAndTheDeviceGroup() throws Exception {
        assertThat(body(get("/api", null)).path("versions").toString()).isEqualTo("[\"v1\"]");
        JsonNode core = body(get("/api/v1", null));
        assertThat(core.path("kind").asText()).isEqualTo("APIResourceList");
        assertThat(core.toString()).contains("\"name\":\"pods\"", "\"shortNames\":[\"po\"]", "\"configmaps\"");
        JsonNode groups = body(get("/apis", null));
        assertThat(groups.path("groups").get(0).path("name").asText()).isEqualTo("devices.kubeedge.io");
        JsonNode devices = body(get("/apis/devices.kubeedge.io/v1beta1", null));
        assertThat(devices.path("groupVersion").asText()).isEqualTo("devices.kubeedge.io/v1beta1");
        assertThat(devices.path("resources").findValuesAsText("kind")).containsExactly("Device", "DeviceModel");
        assertThat(body(get("/version", null)).path("major").asText()).isEqualTo("1");
        assertStatus("/apis/apps/v1", 404, "NotFound");
    }

    @Test
    void tablesCarryKubectlsPodColumns() throws Exception {
        HttpResponse<String> response = get("/api/v1/namespaces/shop/pods",
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json;as=Table;v=v1;g=meta.k8s.io");
        JsonNode table = body(response);
        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("columnDefinitions").findValuesAsText("name"))
                .startsWith("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node");
        JsonNode row = table.path("rows").get(0);
        assertThat(row.path("cells").get(0).asText()).isEqualTo("web-1");
        assertThat(row.path("cells").get(1).asText()).isEqualTo("1/1");
        assertThat(row.path("cells").get(2).asText()).isEqualTo("Running");
        assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(row.path("object").path("metadata").path("namespace").asText()).isEqualTo("shop");

        JsonNode devices = body(get("/apis/devices.kubeedge.io/v1beta1/devices",
                "application/json;as=Table;v=v1;g=meta.k8s.io"));
        assertThat(devices.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Age");
    }

    @Test
    void hostileAndBadRequestsGetKubernetesStatusErrors() throws Exception {
        assertStatus("/api/v1/pods?labelSelector=app%20in%20web", 400, "BadRequest");
        assertStatus("/api/v1/pods?labelSelector=%3D%3D%3D", 400, "BadRequest");
        assertStatus("/api/v1/pods?fieldSelector=spec.secret%3Dx", 400, "BadRequest");
        assertStatus("/api/v1/configmaps?fieldSelector=spec.nodeName%3Dx", 400, "BadRequest");
        assertStatus("/api/v1/pods?limit=99999999999999999999999", 400, "BadRequest");
        assertStatus("/api/v1/pods?resourceVersion=abc", 400, "BadRequest");
        assertStatus("/api/v1/pods?resourceVersion=-5", 400, "BadRequest");
        assertStatus("/api/v1/pods?continue=bm90LWEtdG9rZW4", 400, "BadRequest");
        assertStatus("/api/v1/pods?watch=maybe", 400, "BadRequest");
        assertStatus("/api/v1/pods?resourceVersionMatch=Sometimes&resourceVersion=1", 400, "BadRequest");
        assertStatus("/api/v1/pods?resourceVersion=999", 504, "Timeout");
        assertStatus("/api/v1/pods?resourceVersion=1&resourceVersionMatch=Exact", 410, "Expired");
        assertStatus("/api/v1/namespaces/shop/pods/nope", 404, "NotFound");
        assertStatus("/api/v1/widgets", 404, "NotFound");
        assertStatus("/api/v1/namespaces/shop/nodes", 404, "NotFound");
        assertStatus("/api/v1/pods/web-1", 404, "NotFound");

        // a huge limit is cut to the server's page size and the rest follows by continue
        for (int i = 0; i < 150; i++) {
            store.put(json("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c" + i + "\",\"namespace\":\"x\"}}"),
                    "cloud");
        }
        JsonNode page = body(get("/api/v1/configmaps?limit=9223372036854775807", null));
        assertThat(page.path("items")).hasSize(100);
        assertThat(page.path("metadata").path("continue").asText()).isNotEmpty();

        HttpResponse<String> write = http.send(Authorized.request(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/namespaces/shop/pods/web-1")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        // a pod the cloud sent: EdgeCore would send the delete to CloudCore, which this node cannot do yet
        assertThat(write.statusCode()).isEqualTo(503);
        assertThat(body(write).path("reason").asText()).isEqualTo("ServiceUnavailable");
        assertThat(store.get(io.karedge.api.meta.ObjectKey.of("Pod", "shop", "web-1"))).isPresent();
    }

    @Test
    void aWatchFromAPrunedVersionIsExpiredAndBookmarksCarryTheVersion() throws Exception {
        HttpResponse<String> expired = get("/api/v1/pods?watch=true&resourceVersion=1", null);
        JsonNode event = KaredgeJson.mapper().readTree(expired.body().lines().findFirst().orElseThrow());
        assertThat(event.path("type").asText()).isEqualTo("ERROR");
        assertThat(event.path("object").path("code").asInt()).isEqualTo(410);
        assertThat(event.path("object").path("reason").asText()).isEqualTo("Expired");

        long from = store.resourceVersion();
        HttpResponse<java.io.InputStream> stream = http.send(Authorized.request(URI.create("http://127.0.0.1:"
                + server.port() + "/api/v1/namespaces/shop/pods?watch=1&allowWatchBookmarks=true&resourceVersion="
                + from + "&timeoutSeconds=5")).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            store.put(pod("shop", "web-1", "edge-2", "web"), "cloud");
            JsonNode modified = KaredgeJson.mapper().readTree(lines.readLine());
            assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
            String version = modified.path("object").path("metadata").path("resourceVersion").asText();
            JsonNode bookmark = KaredgeJson.mapper().readTree(lines.readLine());
            assertThat(bookmark.path("type").asText()).isEqualTo("BOOKMARK");
            assertThat(bookmark.path("object").path("metadata").path("resourceVersion").asText()).isEqualTo(version);
        }
    }

    @Test
    void labelSelectedWatchSeesObjectsLeaveAndEnterTheSelection() throws Exception {
        HttpResponse<java.io.InputStream> stream = http.send(Authorized.request(URI.create("http://127.0.0.1:"
                + server.port() + "/api/v1/pods?watch=true&labelSelector=app%3Dweb&timeoutSeconds=5")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(KaredgeJson.mapper().readTree(lines.readLine()).path("type").asText()).isEqualTo("ADDED");
            assertThat(KaredgeJson.mapper().readTree(lines.readLine()).path("type").asText()).isEqualTo("ADDED");
            store.put(pod("shop", "web-1", "edge-1", "db"), "cloud");
            JsonNode left = KaredgeJson.mapper().readTree(lines.readLine());
            assertThat(left.path("type").asText() + " " + left.path("object").path("metadata").path("name").asText())
                    .isEqualTo("DELETED web-1");
            store.put(pod("shop", "web-1", "edge-1", "web"), "cloud");
            JsonNode back = KaredgeJson.mapper().readTree(lines.readLine());
            assertThat(back.path("type").asText()).isEqualTo("ADDED");
        }
    }

    @Test
    void podsTheNodeRunsShowTheirLiveStatus() throws Exception {
        ObjectNode live = json("{\"phase\":\"Running\",\"podIP\":\"10.88.0.7\",\"containerStatuses\":[{\"name\":"
                + "\"main\",\"ready\":false,\"restartCount\":2,\"state\":{\"waiting\":{\"reason\":"
                + "\"CrashLoopBackOff\"}}}]}");
        try (KubeApiServer withPods = KubeApiServer.start(store, KubeApiSettings.defaults().withPort(0),
                Clock.systemUTC(), () -> (namespace, name) -> name.equals("web-1")
                        ? Optional.of(live.deepCopy()) : Optional.empty(),
                () -> Optional.of(io.karedge.api.node.NodeMode.STANDALONE), Authorized.ACCESS, null)) {
            HttpResponse<String> response = http.send(Authorized.request(URI.create("http://127.0.0.1:"
                    + withPods.port() + "/api/v1/namespaces/shop/pods")).header("Accept",
                    "application/json;as=Table;v=v1;g=meta.k8s.io").build(), HttpResponse.BodyHandlers.ofString());
            JsonNode rows = body(response).path("rows");
            assertThat(rows.get(0).path("cells").toString()).contains("\"web-1\",\"0/1\",\"CrashLoopBackOff\",\"2\"");
            assertThat(rows.get(1).path("cells").toString()).contains("\"web-2\",\"1/1\",\"Running\"");
            JsonNode pod = body(http.send(Authorized.request(URI.create("http://127.0.0.1:" + withPods.port()
                    + "/api/v1/namespaces/shop/pods/web-1")).build(), HttpResponse.BodyHandlers.ofString()));
            assertThat(pod.path("status").path("podIP").asText()).isEqualTo("10.88.0.7");
        }
    }

    @Test
    void watchesBeyondTheLimitAreRefusedWith429() throws Exception {
        var first = http.send(Authorized.request(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/pods?watch=true&timeoutSeconds=5")).build(), HttpResponse.BodyHandlers.ofInputStream());
        var second = http.send(Authorized.request(URI.create("http://127.0.0.1:" + server.port()
                + "/api/v1/pods?watch=true&timeoutSeconds=5")).build(), HttpResponse.BodyHandlers.ofInputStream());
        try {
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(second.statusCode()).isEqualTo(200);
            HttpResponse<String> third = get("/api/v1/pods?watch=true", null);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).contains("1");
        } finally {
            first.body().close();
            second.body().close();
        }
    }
}
