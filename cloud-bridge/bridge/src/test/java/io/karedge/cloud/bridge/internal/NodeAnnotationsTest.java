package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.node.NodeAnnotationContributor;
import io.karedge.cloud.bridge.LinkState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The annotations the node publishes on its own Node, end to end against the double, which applies the node's
 * writes as CloudCore and the API server do ({@link NodeApi}): they appear on the cloud's Node, follow a change
 * of the contributor, and are removed when it goes, also after a restart; annotations outside the node's domain
 * stay as they are.
 */
@Timeout(120)
class NodeAnnotationsTest extends AgainstCloudHubDouble {

    private static final String PORT = "mesh.karedge.io/tunnel-port";

    private CloudBridgeComponent connect() {
        CloudBridgeComponent started = Fixtures.bridge(Fixtures.fast(cloud), store, data);
        await().atMost(Duration.ofSeconds(20)).until(() -> started.snapshot().state() == LinkState.CONNECTED);
        return started;
    }

    /** A contributor whose annotations the test changes, as the mesh's changes when its tunnel moves. */
    private record Contributor(AtomicReference<Map<String, String>> given) implements NodeAnnotationContributor {
        Contributor(Map<String, String> first) {
            this(new AtomicReference<>(first));
        }

        @Override
        public Map<String, String> annotations() {
            return given.get();
        }
    }

    private static Map<String, Object> service(long id) {
        return Map.of("service.id", id, "service.ranking", 0);
    }

    private JsonNode cloudAnnotations() {
        ObjectNode node = cloud.nodes.get("edge-1");
        return node == null ? null : node.path("metadata").path("annotations");
    }

    /** The {@code metadata.annotations} of the last status patch the cloud received (null if it had none). */
    private JsonNode lastPatchAnnotations() throws Exception {
        List<Message> patches = cloud.received("patch", "null/nodepatch/edge-1");
        JsonNode content = patches.get(patches.size() - 1).content();
        assertThat(content.isTextual()).as("a node patch goes as a JSON string, as EdgeCore sends it").isTrue();
        JsonNode annotations = MessageCodec.mapper().readTree(content.asText()).path("metadata").path("annotations");
        return annotations.isMissingNode() ? null : annotations;
    }

    @Test
    void theAnnotationReachesTheNodeFollowsTheContributorAndGoesWithIt() throws Exception {
        Contributor mesh = new Contributor(Map.of(PORT, "20006"));
        bridge = connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.nodes.containsKey("edge-1"));
        bridge.addAnnotations(mesh, service(7));
        await().atMost(Duration.ofSeconds(10)).until(() -> cloudAnnotations() != null
                && "20006".equals(cloudAnnotations().path(PORT).asText(null)));
        assertThat(cloudAnnotations().path("cloudcore").asText()).as("CloudCore's own annotation").isEqualTo("127.0.0.1");
        assertThat(lastPatchAnnotations().path(PORT).asText()).isEqualTo("20006");

        // the tunnel moved to another port: published without a restart of the bridge
        long patches = cloud.received("patch", "null/nodepatch/edge-1").size();
        mesh.given().set(Map.of(PORT, "21000", "mesh.karedge.io/tunnel-address", "10.0.0.7"));
        bridge.updatedAnnotations(mesh, service(7));
        await().atMost(Duration.ofSeconds(10)).until(() -> "21000".equals(cloudAnnotations().path(PORT).asText(null)));
        assertThat(cloudAnnotations().path("mesh.karedge.io/tunnel-address").asText()).isEqualTo("10.0.0.7");
        assertThat(cloud.received("patch", "null/nodepatch/edge-1").size()).isGreaterThan((int) patches);

        // one annotation dropped, then the contributor gone (tunnel off): removed, CloudCore's annotation stays
        mesh.given().set(Map.of(PORT, "21000"));
        bridge.updatedAnnotations(mesh, service(7));
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloudAnnotations().has("mesh.karedge.io/tunnel-address"));
        assertThat(lastPatchAnnotations().get("mesh.karedge.io/tunnel-address").isNull()).isTrue();
        bridge.removeAnnotations(mesh, service(7));
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloudAnnotations().has(PORT));
        assertThat(lastPatchAnnotations().get(PORT).isNull()).as("removed by a null in the patch").isTrue();
        assertThat(cloudAnnotations().path("cloudcore").asText()).isEqualTo("127.0.0.1");

        // once the cloud confirmed the removal, later reports carry no annotations at all
        long before = cloud.received("patch", "null/nodepatch/edge-1").size();
        cloud.dropSessions();
        await().atMost(Duration.ofSeconds(20)).until(() -> cloud.received("patch", "null/nodepatch/edge-1").size() > before);
        assertThat(lastPatchAnnotations()).isNull();
        assertThat(cloud.cloudCoreLog).as("nothing CloudCore logs as refused or failed").isEmpty();
    }

    @Test
    void aNewNodeIsCreatedWithTheAnnotationAndAStaleOneIsRemovedAfterARestart() throws Exception {
        Contributor mesh = new Contributor(Map.of(PORT, "20006"));
        CloudBridgeComponent first = Fixtures.bridge(Fixtures.fast(cloud), store, data);
        first.addAnnotations(mesh, service(1));
        bridge = first;
        await().atMost(Duration.ofSeconds(20)).until(() -> cloudAnnotations() != null && cloudAnnotations().has(PORT));
        // bound long before the join finished: the Node is created with it
        assertThat(cloud.received("insert", "null/node/edge-1").get(0).content().path("metadata").path("annotations")
                .path(PORT).asText()).isEqualTo("20006");
        // somebody else's annotation in another domain, put on the Node in the cloud
        ((ObjectNode) cloud.nodes.get("edge-1").path("metadata").path("annotations")).put("example.com/owner", "ops");
        bridge.deactivate();
        bridge = null;

        // the next run has no tunnel: the Node is looked up, and the first status report removes the port
        bridge = connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloudAnnotations().has(PORT));
        assertThat(cloud.received("insert", "null/node/edge-1")).hasSize(1);
        assertThat(cloudAnnotations().path("example.com/owner").asText()).isEqualTo("ops");
        assertThat(cloudAnnotations().path("cloudcore").asText()).isEqualTo("127.0.0.1");
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void onlyValidKeysOfTheNodesDomainArePublishedAndTheHigherRankedContributorWins() {
        PublishedAnnotations published = new PublishedAnnotations();
        published.add(new Contributor(Map.of(PORT, "1", "example.com/x", "y", "mesh.karedge.io/bad key", "z",
                "karedge.io/ok", "v")), Map.of("service.id", 3L, "service.ranking", 0));
        published.add(new Contributor(Map.of(PORT, "2")), Map.of("service.id", 4L, "service.ranking", 5));
        assertThat(published.current()).containsExactly(Map.entry("karedge.io/ok", "v"), Map.entry(PORT, "2"));
        assertThat(PublishedAnnotations.problem("Mesh.karedge.io/x", "1")).contains("subdomain");
        assertThat(PublishedAnnotations.problem("notkaredge.io/x", "1")).contains("domain");
        assertThat(PublishedAnnotations.problem("a.karedge.io/" + "x".repeat(64), "1")).contains("63");
        assertThat(NodeAnnotationContributor.owned("karedge.io/x")).isTrue();
        assertThat(NodeAnnotationContributor.owned("mesh.karedge.io/x")).isTrue();
        assertThat(NodeAnnotationContributor.owned("karedge.io")).isFalse();
        assertThat(NodeAnnotationContributor.owned("xkaredge.io/x")).isFalse();
    }

    @Test
    void theDoubleAppliesNodeWritesAsTheApiServerDoes() throws Exception {
        ObjectNode stored = (ObjectNode) MessageCodec.mapper().readTree("""
                {"metadata":{"name":"edge-1","uid":"u","resourceVersion":"4","annotations":{"a.io/x":"1","cloudcore":"c"}},
                 "spec":{"podCIDR":"10.0.0.0/24"},
                 "status":{"conditions":[{"type":"Ready","status":"True"},{"type":"DiskPressure","status":"False"}]}}""");
        // a status patch keeps metadata changes, never spec; null removes; conditions merge by type
        ObjectNode patched = NodeApi.patchStatus(stored, MessageCodec.mapper().readTree("""
                {"metadata":{"annotations":{"a.io/x":null,"b.io/y":"2"}},"spec":{"podCIDR":"x"},
                 "status":{"conditions":[{"type":"Ready","status":"False"}]}}"""));
        assertThat(patched.path("metadata").path("annotations").toString()).isEqualTo("{\"cloudcore\":\"c\",\"b.io/y\":\"2\"}");
        assertThat(patched.path("spec").path("podCIDR").asText()).isEqualTo("10.0.0.0/24");
        assertThat(patched.path("status").path("conditions")).hasSize(2);
        assertThat(patched.path("status").path("conditions").get(0).path("status").asText()).isEqualTo("False");
        assertThat(patched.path("metadata").path("resourceVersion").asText()).isEqualTo("5");
        // a bad key fails the whole write, as validation does
        assertThatThrownBy(() -> NodeApi.patchStatus(stored, MessageCodec.mapper().readTree(
                "{\"metadata\":{\"annotations\":{\"bad key\":\"1\"}}}"))).hasMessageContaining("Invalid value");
        // updateNode only adds: a null does not remove
        ObjectNode updated = NodeApi.updateMetadata(stored, MessageCodec.mapper().readTree(
                "{\"metadata\":{\"annotations\":{\"c.io/z\":\"3\"}}}"));
        assertThat(updated.path("metadata").path("annotations").has("a.io/x")).isTrue();
        assertThat(updated.path("metadata").path("annotations").path("c.io/z").asText()).isEqualTo("3");

        // through the double: a patch of a Node the cloud does not have is answered NotFound and logged
        bridge = connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.nodes.containsKey("edge-1"));
        store.enqueue(new io.karedge.api.uplink.UplinkMessage("edged", "meta", "patch", "null/nodepatch/ghost",
                TextNode.valueOf("{\"status\":{}}"), null));
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.cloudCoreLog.isEmpty());
        assertThat(cloud.cloudCoreLog.get(0)).contains("patch node failed with error: nodes \"ghost\" not found");
        cloud.cloudCoreLog.clear();
    }
}
