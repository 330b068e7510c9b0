package io.karedge.rest.internal;

import static io.karedge.rest.internal.Json.device;
import static io.karedge.rest.internal.Json.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.meta.ObjectKey;
import java.time.Duration;
import javax.ws.rs.core.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObjectsResourceTest {

    private InMemoryMetaStore store;
    private ObjectsResource resource;

    @BeforeEach
    void setUp() {
        store = new InMemoryMetaStore();
        resource = new ObjectsResource(store, 4, 100, Duration.ofSeconds(15));
        store.put(device("default", "thermo", "modbus"), "cloud");
        store.put(device("plant", "pump", "opcua"), "cloud");
        store.put(object("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'cfg'},'data':{'a':'1'}}"),
                "local");
        store.put(object("{'apiVersion':'v1','kind':'Node','metadata':{'name':'edge-1'}}"), "cloud");
    }

    private static JsonNode body(Response response) {
        return (JsonNode) response.getEntity();
    }

    @Test
    void listsAllNamespacesAsAKindList() {
        Response response = resource.list("devices", null, null, null);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getMediaType().toString()).isEqualTo("application/json");
        JsonNode list = body(response);
        assertThat(list.path("kind").asText()).isEqualTo("DeviceList");
        assertThat(list.path("apiVersion").asText()).isEqualTo("devices.kubeedge.io/v1beta1");
        assertThat(list.path("metadata").path("resourceVersion").asText()).isEqualTo("4");
        assertThat(list.path("items")).extracting(item -> item.path("metadata").path("name").asText())
                .containsExactly("thermo", "pump");
    }

    @Test
    void listsOneNamespaceWithAnyAliasOfTheKind() {
        JsonNode list = body(resource.listNamespaced("plant", "dev", null, null, null));

        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("pump");
        assertThat(body(resource.listNamespaced("default", "cm", null, null, null)).path("kind").asText())
                .isEqualTo("ConfigMapList");
        assertThat(body(resource.listNamespaced("empty", "Pod", null, null, null)).path("items")).isEmpty();
    }

    @Test
    void getsOneObjectAsStored() {
        Response response = resource.getNamespaced("default", "devices", "thermo", null, null, null);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(body(response)).isEqualTo(store.get(ObjectKey.of("Device", "default", "thermo"))
                .orElseThrow().object());
    }

    @Test
    void getsAClusterScopedObjectWithoutNamespace() {
        Response response = resource.get("nodes", "edge-1", null, null, null);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(body(response).path("metadata").path("name").asText()).isEqualTo("edge-1");
        assertThat(body(resource.list("no", null, null, null)).path("kind").asText()).isEqualTo("NodeList");
    }

    @Test
    void missingObjectIsA404StatusLikeKubernetes() {
        Response response = resource.getNamespaced("default", "devices", "ghost", null, null, null);

        assertThat(response.getStatus()).isEqualTo(404);
        JsonNode status = body(response);
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(status.path("status").asText()).isEqualTo("Failure");
        assertThat(status.path("reason").asText()).isEqualTo("NotFound");
        assertThat(status.path("code").asInt()).isEqualTo(404);
        assertThat(status.path("message").asText()).isEqualTo("devices.devices.kubeedge.io \"ghost\" not found");
        assertThat(status.path("details").path("name").asText()).isEqualTo("ghost");
        assertThat(status.path("details").path("kind").asText()).isEqualTo("devices");

        assertThat(body(resource.getNamespaced("plant", "pods", "web", null, null, null)).path("message").asText())
                .isEqualTo("pods \"web\" not found");
    }

    @Test
    void unknownKindIsA404ListingTheKnownKinds() {
        Response response = resource.list("widgets", null, null, null);

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(body(response).path("reason").asText()).isEqualTo("NotFound");
        assertThat(body(response).path("message").asText())
                .startsWith("the server doesn't have a resource type \"widgets\"; known kinds: pods (po),")
                .contains("devices (dev)", "nodes (no)");
        assertThat(resource.getNamespaced("default", "widgets", "x", null, null, null).getStatus()).isEqualTo(404);
    }

    @Test
    void wrongScopeIsA404WithTheRightPath() {
        Response namespacedNode = resource.listNamespaced("default", "nodes", null, null, null);
        assertThat(namespacedNode.getStatus()).isEqualTo(404);
        assertThat(body(namespacedNode).path("message").asText())
                .isEqualTo("nodes are cluster-scoped: use /api/v1/nodes");

        Response podWithoutNamespace = resource.get("pods", "web", null, null, null);
        assertThat(podWithoutNamespace.getStatus()).isEqualTo(404);
        assertThat(body(podWithoutNamespace).path("message").asText())
                .isEqualTo("pods are namespaced: use /api/v1/namespaces/{namespace}/pods/web");
    }

    @Test
    void badQueryParametersAreA400() {
        Response badVersion = resource.list("devices", "true", "abc", null);
        assertThat(badVersion.getStatus()).isEqualTo(400);
        assertThat(body(badVersion).path("reason").asText()).isEqualTo("BadRequest");
        assertThat(body(badVersion).path("code").asInt()).isEqualTo(400);
        assertThat(body(badVersion).path("message").asText())
                .isEqualTo("resourceVersion: Invalid value: \"abc\": must be a non-negative integer");

        assertThat(resource.list("devices", null, "-3", null).getStatus()).isEqualTo(400);
        assertThat(resource.list("devices", "true", null, "soon").getStatus()).isEqualTo(400);
        assertThat(resource.list("devices", "maybe", null, null).getStatus()).isEqualTo(400);
        assertThat(resource.openWatchCount()).isZero();
    }

    @Test
    void storeFailureIsA503() {
        store.close();

        Response response = resource.list("devices", null, null, null);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(body(response).path("reason").asText()).isEqualTo("ServiceUnavailable");
    }

    @Test
    void watchesBeyondTheLimitAreRefusedWith429UntilOneEnds() throws Exception {
        Response[] open = new Response[4];
        for (int i = 0; i < open.length; i++) {
            open[i] = resource.list("devices", "true", null, "1");
            assertThat(open[i].getStatus()).isEqualTo(200);
        }

        Response refused = resource.list("devices", "true", null, "1");
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(body(refused).path("reason").asText()).isEqualTo("TooManyRequests");

        resource.deactivate();
        ((javax.ws.rs.core.StreamingOutput) open[0].getEntity()).write(new java.io.ByteArrayOutputStream());
        assertThat(resource.openWatchCount()).isEqualTo(3);
        assertThat(resource.list("devices", "true", null, "1").getStatus()).isEqualTo(200);
    }
}
