package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.UplinkDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class BridgeTest extends AgainstCloudHubDouble {

    @AfterEach
    void cloudCoreLoggedNothing() {
        assertThat(cloud.cloudCoreLog).as("what CloudCore would have logged about the node's requests").isEmpty();
    }

    private void connect() {
        connect(Map.of());
    }

    private void connect(Map<String, Object> overrides) {
        Map<String, Object> values = Fixtures.fast(cloud);
        values.putAll(overrides);
        bridge = Fixtures.bridge(values, store, data);
        await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().state() == LinkState.CONNECTED);
    }

    private static ObjectNode pod(String name, String resourceVersion, String image) {
        ObjectNode pod = MessageCodec.mapper().createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default").put("uid", "uid-" + name)
                .put("resourceVersion", resourceVersion);
        pod.putObject("spec").put("nodeName", "edge-1").putArray("containers").addObject().put("name", "c")
                .put("image", image);
        return pod;
    }

    private static Message push(String operation, String resource, String resourceVersion, JsonNode content) {
        return new Message(Message.newId(), "", System.currentTimeMillis(), resourceVersion, "edgecontroller",
                "resource", operation, resource, content);
    }

    private String storedImage(String name) {
        return store.get(ObjectKey.of("Pod", "default", name)).map(o -> o.object().at("/spec/containers/0/image")
                .asText()).orElse(null);
    }

    @Test
    void connectsWithTheRequiredHeadersRegistersAndRenewsTheLease() {
        connect();

        assertThat(cloud.lastHeaders).containsEntry("node_id", "edge-1").containsEntry("connectionuse", "msg")
                .containsEntry("project_id", "e632aba927ea4ac2b575ec1603d56f10").doesNotContainKey("origin");
        assertThat(cloud.lastHeaders.get(":path")).isEqualTo("/e632aba927ea4ac2b575ec1603d56f10/edge-1/events");
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.received("keepalive", "node").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.received("insert", "null/node/edge-1").isEmpty());
        Message registration = cloud.received("insert", "null/node/edge-1").get(0);
        assertThat(registration.source()).isEqualTo("edged");
        assertThat(registration.group()).isEqualTo("meta");
        JsonNode node = registration.content();
        assertThat(node.at("/metadata/labels").has("node-role.kubernetes.io/edge")).isTrue();
        assertThat(node.at("/metadata/labels/node-role.kubernetes.io~1agent").asText("x")).isEmpty();
        assertThat(node.at("/status/nodeInfo/kubeletVersion").asText().split("-").length).isGreaterThanOrEqualTo(3);
        assertThat(node.at("/status/capacity/pods").asText()).isEqualTo("110");
        assertThat(node.at("/status/capacity/cpu").asText()).isEqualTo(
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(node.at("/status/capacity/memory").asText()).endsWith("Ki");

        // status patch is a JSON string holding {"status":...}
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.received("patch", "null/nodepatch/edge-1").isEmpty());
        JsonNode patch = cloud.received("patch", "null/nodepatch/edge-1").get(0).content();
        assertThat(patch.isTextual()).isTrue();
        assertThat(ContentDecoder.object(patch).orElseThrow().at("/status/conditions").toString()).contains("Ready");

        // lease: created, then renewed with the version the cloud returned
        await().atMost(Duration.ofSeconds(15)).until(() -> cloud.lease() != null
                && !cloud.received("update", "kube-node-lease/lease/edge-1").isEmpty());
        String before = cloud.lease().at("/metadata/resourceVersion").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.lease().at("/metadata/resourceVersion").asText()
                .equals(before));
        assertThat(bridge.snapshot().lastKeepalive()).isNotNull();
        assertThat(bridge.snapshot().certificateExpiry()).isNotNull();
    }

    @Test
    void reconnectsAfterTheCloudDropsTheSession() {
        connect();
        cloud.dropSessions();
        await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().reconnects() >= 1
                && bridge.snapshot().state() == LinkState.CONNECTED);
        assertThat(cloud.connections.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aCloudThatSendsNothingButPongsKeepsTheLink() throws Exception {
        // no node registration, so CloudHub has nothing to answer: only the pongs to the pings come back
        connect(Map.of("register.node", false));
        Thread.sleep(7_000);
        assertThat(bridge.snapshot().reconnects()).as("read.idle.timeout.s is 3").isZero();
        assertThat(bridge.snapshot().state()).isEqualTo(LinkState.CONNECTED);
    }

    @Test
    void silenceIsDetectedAndTheLinkReconnects() {
        connect();
        long before = cloud.connections.get();
        // refuse new sessions and keep the current one from answering anything: drop, then accept again
        cloud.accepting = false;
        cloud.dropSessions();
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.snapshot().state() == LinkState.BACKING_OFF
                && !bridge.snapshot().reason().isEmpty());
        cloud.accepting = true;
        await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().state() == LinkState.CONNECTED);
        assertThat(cloud.connections.get()).isGreaterThan((int) before);
    }

    @Test
    void pushesAreStoredAndAcknowledgedOnceEvenWhenResent() {
        connect();
        Message insert = push("insert", "default/pod/web-0", "10", pod("web-0", "10", "nginx:1"));
        cloud.send(insert);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(insert.id()) == 1);
        assertThat(storedImage("web-0")).isEqualTo("nginx:1");
        assertThat(store.get(ObjectKey.of("Pod", "default", "web-0")).orElseThrow().source()).isEqualTo("cloud");
        long version = store.resourceVersion();

        cloud.send(insert);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(insert.id()) == 2);
        assertThat(store.resourceVersion()).isEqualTo(version);
    }

    @Test
    void theAckQueueDeliversInOrderWithResends() {
        connect();
        cloud.resendMillis = 200;
        for (int i = 0; i < 20; i++) {
            cloud.push(push("insert", "default/pod/p-" + i, Integer.toString(100 + i), pod("p-" + i,
                    Integer.toString(100 + i), "img:" + i)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(ObjectKey.of("Pod", "default", "p-19")).isPresent());
        for (int i = 0; i < 20; i++) {
            assertThat(storedImage("p-" + i)).isEqualTo("img:" + i);
        }
    }

    @Test
    void staleVersionsAreIgnoredUnknownUpdatesCreateAndDeletesAreIdempotent() {
        connect();
        Message update = push("update", "default/pod/web-1", "20", pod("web-1", "20", "new"));
        cloud.push(update);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(update.id()) == 1);
        assertThat(storedImage("web-1")).as("an unknown update is a create").isEqualTo("new");

        Message stale = push("update", "default/pod/web-1", "15", pod("web-1", "15", "old"));
        cloud.push(stale);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(stale.id()) == 1);
        assertThat(storedImage("web-1")).isEqualTo("new");

        Message delete = push("delete", "default/pod/web-1", "21", pod("web-1", "21", "new"));
        cloud.push(delete);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(delete.id()) == 1);
        assertThat(store.get(ObjectKey.of("Pod", "default", "web-1"))).isEmpty();
        Message again = push("delete", "default/pod/web-1", "21", pod("web-1", "21", "new"));
        cloud.push(again);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(again.id()) == 1);

        // a string holding JSON is content too, and the Node is cluster-scoped
        ObjectNode node = MessageCodec.mapper().createObjectNode();
        node.put("kind", "Node").put("apiVersion", "v1").putObject("metadata").put("name", "edge-1")
                .put("resourceVersion", "5");
        node.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
        Message nodePush = push("update", "null/node/edge-1", "5", TextNode.valueOf(node.toString()));
        cloud.push(nodePush);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(nodePush.id()) == 1);
        assertThat(store.get(ObjectKey.of("Node", "", "edge-1"))).isPresent();
    }

    @Test
    void hostileFramesNeverBreakTheLink() {
        connect();
        cloud.sendRaw("this is not json".getBytes(StandardCharsets.UTF_8), false);
        cloud.sendRaw("{\"header\":{\"msg_id\":\"a\",\"timestamp\":1}}".getBytes(StandardCharsets.UTF_8), false);
        cloud.sendRaw("{\"header\":{\"msg_id\":\"b\",\"timestamp\":\"now\"},\"route\":{}}".getBytes(
                StandardCharsets.UTF_8), false);
        cloud.sendRaw("{\"header\":{\"msg_id\":7},\"route\":{\"group\":[]}}".getBytes(StandardCharsets.UTF_8), false);
        cloud.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b, (byte) 0xc3}, false);
        cloud.sendRaw(new byte[] {1, 2, 3, 4, 5}, true);
        byte[] huge = new byte[6 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'x');
        cloud.sendRaw(huge, false);
        Message wrongTypes = push("insert", "default/pod/bad", "1", TextNode.valueOf("not an object"));
        cloud.push(wrongTypes);
        Message unknownType = push("insert", "default/gizmo/g", "1", MessageCodec.mapper().createObjectNode());
        cloud.push(unknownType);
        Message good = push("insert", "default/pod/after", "3", pod("after", "3", "ok"));
        cloud.push(good);

        await().atMost(Duration.ofSeconds(15)).until(() -> cloud.acks(good.id()) >= 1);
        assertThat(cloud.acks(wrongTypes.id())).isPositive();
        assertThat(cloud.acks(unknownType.id())).isPositive();
        assertThat(storedImage("after")).isEqualTo("ok");
        assertThat(bridge.snapshot().reconnects()).isZero();
        assertThat(bridge.status().malformedIn.get()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void anInvalidUplinkEntryIsADeadLetterAndDoesNotBlockTheQueue() {
        connect(Map.of("register.node", false));
        Fixtures.cloudDevices(store, cloud, "default", "d");
        store.enqueue(new UplinkMessage("edgecontroller", "resource", "update", "device/default/d/twin/edge_updated",
                MessageCodec.mapper().createObjectNode(), null));
        store.enqueue(new UplinkMessage("twin", "resource", "ping", "device/default/d/state/update",
                TextNode.valueOf("{}"), null));
        store.enqueue(new UplinkMessage("twin", "resource", "update", "", TextNode.valueOf("{}"), null));
        store.enqueue(new UplinkMessage("twin", "resource", "update", "device/default/d/twin/edge_updated",
                MessageCodec.mapper().createObjectNode().put("event_id", "ok"), null));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.depth() == 0);
        assertThat(bridge.snapshot().deadLetters()).isEqualTo(3);
        assertThat(cloud.received("update", "device/default/d/twin/edge_updated")).hasSize(1);
        UplinkDelivery delivery = bridge.uplinkDelivery();
        assertThat(delivery.deadLettered()).isEqualTo(3);
        assertThat(delivery.acked()).as("the valid report, answered by the cloud").isGreaterThanOrEqualTo(1);
        assertThat(delivery.sent()).isGreaterThanOrEqualTo(delivery.acked());
    }

    @Test
    void remoteQueriesStoreAndAcknowledgeTheAnswer() throws Exception {
        connect(Map.of("register.node", false));
        ObjectNode configMap = MessageCodec.mapper().createObjectNode();
        configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
        configMap.putObject("metadata").put("name", "app").put("namespace", "default").put("resourceVersion", "42");
        configMap.putObject("data").put("k", "v");
        cloud.configMaps.put("default/app", configMap);

        Optional<ObjectNode> fetched = bridge.fetchFromCloud("ConfigMap", "default", "app").get(10, TimeUnit.SECONDS);

        assertThat(fetched).isPresent();
        assertThat(store.get(ObjectKey.of("ConfigMap", "default", "app")).orElseThrow().object().at("/data/k")
                .asText()).isEqualTo("v");
        await().atMost(Duration.ofSeconds(5)).until(() -> cloud.received.stream().anyMatch(m ->
                m.operation().equals("response") && m.resource().equals("default/configmap/app")));
        assertThat(bridge.fetchFromCloud("ConfigMap", "default", "missing").get(10, TimeUnit.SECONDS)).isEmpty();

        cloud.answerRequests = false;
        var noAnswer = bridge.fetchFromCloud("ConfigMap", "default", "app");
        await().atMost(Duration.ofSeconds(10)).until(noAnswer::isDone);
        assertThat(noAnswer).isCompletedExceptionally();
    }
}
