package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.LinkState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the node sends at connect and reconnect, checked against CloudCore's routing and its Node registry in
 * the double: nothing CloudCore would log as dropped or refused.
 */
@Timeout(120)
class NodeRegistrationTest extends AgainstCloudHubDouble {

    private int registrations() {
        return cloud.received("insert", "null/node/edge-1").size();
    }

    @Test
    void theNodeIsRegisteredOnceNotOnReconnectsNorAfterARestart() {
        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.nodes.containsKey("edge-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.received("patch", "null/nodepatch/edge-1").isEmpty());
        assertThat(cloud.received("query", "null/node/edge-1")).as("looked up first").hasSize(1);
        assertThat(registrations()).isEqualTo(1);

        // reconnects: status and lease again, no second registration
        for (int i = 1; i <= 2; i++) {
            long patches = cloud.received("patch", "null/nodepatch/edge-1").size();
            cloud.dropSessions();
            int reconnects = i;
            await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().reconnects() >= reconnects
                    && bridge.snapshot().state() == LinkState.CONNECTED);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    cloud.received("patch", "null/nodepatch/edge-1").size() > patches);
        }
        assertThat(registrations()).isEqualTo(1);
        assertThat(cloud.received("query", "null/node/edge-1")).hasSize(1);

        // a restart of the bridge (or the node): the cloud has the Node, so it is looked up and not created
        bridge.deactivate();
        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.received("query", "null/node/edge-1").size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.snapshot().messagesOut() > 3
                && cloud.received("patch", "null/nodepatch/edge-1").size() >= 4);
        assertThat(registrations()).isEqualTo(1);
        assertThat(cloud.cloudCoreLog).as("nothing CloudCore logs as refused or dropped").isEmpty();
    }

    @Test
    void aNodeDeletedInTheCloudIsRegisteredAgainAfterARestart() {
        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.nodes.containsKey("edge-1"));
        bridge.deactivate();
        cloud.nodes.clear();
        cloud.dynamic.remove("nodes", "", "edge-1");
        cloud.cloudCoreLog.clear();

        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.nodes.containsKey("edge-1"));
        assertThat(registrations()).isEqualTo(2);
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void aRequestCloudCoreDoesNotRouteIsADeadLetterAndNeverSent() {
        bridge = connectedBridge(Map.of("register.node", false));
        store.enqueue(new UplinkMessage("edged", "meta", "update", "default/gizmo/g", TextNode.valueOf("{}"), null));
        store.enqueue(new UplinkMessage("edged", "meta", "update", "node", TextNode.valueOf("{}"), null));
        store.enqueue(new UplinkMessage("edged", "meta", "patch", "null/node/edge-1", TextNode.valueOf("{}"), null));
        store.enqueue(new UplinkMessage("twin", "twin", "update", "device/default/d/twin/unknown",
                TextNode.valueOf("{}"), null));
        store.enqueue(new UplinkMessage("edged", "meta", "update", "default/podstatus/web-0", TextNode.valueOf("{}"),
                null));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.depth() == 0);
        assertThat(bridge.snapshot().deadLetters()).isEqualTo(4);
        assertThat(cloud.received("update", "default/podstatus/web-0")).hasSize(1);
        assertThat(cloud.received.stream().filter(m -> m.resource().contains("gizmo")
                || m.resource().equals("node") && !m.operation().equals("keepalive")
                || m.operation().equals("patch") || m.resource().contains("unknown"))).isEmpty();
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void theDoubleRefusesWhatCloudCoreRefuses() {
        // CloudCore's parser, as the double applies it
        Message nodeOnly = Message.request("edged", "meta", "update", "node", TextNode.valueOf("{}"));
        assertThat(CloudCoreParser.refusal(nodeOnly)).endsWith("message resource: node/edge/node,"
                + " err: resource type not found");
        assertThat(CloudCoreParser.refusal(Message.request("edged", "meta", "update", "default/gizmo/g",
                TextNode.valueOf("{}")))).contains("resource type: gizmo unsupported");
        assertThat(CloudCoreParser.refusal(Message.request("edged", "meta", "patch", "null/node/edge-1",
                TextNode.valueOf("{}")))).contains("operation type: patch unsupported");
        assertThat(CloudCoreParser.refusal(Message.request("websocket", "resource", "keepalive", "node",
                TextNode.valueOf("ping")))).isNull();
        assertThat(CloudCoreParser.refusal(Message.request("edged", "meta", "insert", "null/node/edge-1",
                TextNode.valueOf("{}")))).isNull();

        // a second registration of an existing Node: AlreadyExists, and the error CloudCore logs
        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.nodes.containsKey("edge-1")
                && bridge.snapshot().uplinkDepth() == 0);
        store.enqueue(new UplinkMessage("edged", "meta", "insert", "null/node/edge-1",
                Fixtures.device("default", "x", "edge-1").put("kind", "Node"), null));
        await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.cloudCoreLog.isEmpty());
        assertThat(cloud.cloudCoreLog).containsExactly(
                "create node edge-1 error: nodes \"edge-1\" already exists , register node failed");
        cloud.cloudCoreLog.clear();
    }
}
