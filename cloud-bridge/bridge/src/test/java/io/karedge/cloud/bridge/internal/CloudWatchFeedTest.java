package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.cloud.bridge.LinkState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The bridge list-watches Services, Endpoints and Nodes through the DynamicController of the CloudHub double
 * (which answers as CloudCore v1.22 does): the wire shape of the applications, a list that replaces what the
 * node holds without touching its own objects, the watch resync after reconnects and a CloudCore restart, and a
 * seeded random sequence of cloud changes and link faults after which the store holds exactly the cloud's set.
 */
class CloudWatchFeedTest extends AgainstCloudHubDouble {

    private static final String MANIFEST = "manifest:/etc/manifests/local.yaml";
    private static final Map<String, String> KINDS = Map.of("services", Kinds.SERVICE, "endpoints", Kinds.ENDPOINTS,
            "nodes", Kinds.NODE);

    @Test
    void theNodeSyncsItsWatchesAndListsInCloudCoresWireFormatAndChangesFollow() {
        cloud.dynamic.apply("services", service("default", "echo", "10.96.0.10"));
        cloud.dynamic.apply("endpoints", endpoints("default", "echo", "10.244.1.5", "edge-2"));
        cloud.dynamic.apply("nodes", node("edge-2"));
        bridge = connectedBridge(Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> held(Kinds.SERVICE, "default", "echo") != null
                && held(Kinds.ENDPOINTS, "default", "echo") != null && held(Kinds.NODE, "", "edge-2") != null);
        assertThat(held(Kinds.SERVICE, "default", "echo").source()).isEqualTo(Downstream.SOURCE);
        assertThat(held(Kinds.ENDPOINTS, "default", "echo").object().at("/subsets/0/addresses/0/nodeName").asText())
                .isEqualTo("edge-2");

        // the wire: one watch sync naming a watch per resource, then a list per resource
        List<Message> syncs = cloud.received("null", "watchapp/sync");
        assertThat(syncs).hasSize(1);
        Message sync = syncs.get(0);
        assertThat(sync.source()).isEqualTo("metaserver");
        assertThat(sync.group()).isEqualTo("dynamiccontroller");
        assertThat(sync.content().size()).isEqualTo(3);
        sync.content().properties().forEach(entry -> {
            JsonNode watch = entry.getValue();
            assertThat(watch.path("Verb").asText()).isEqualTo("watch");
            assertThat(watch.path("Nodename").asText()).isEqualTo("edge-1");
            assertThat(watch.path("Key").asText()).matches("/core/v1/(services|endpoints|nodes)/null/null");
            String option = new String(Base64.getDecoder().decode(watch.path("Option").asText()),
                    StandardCharsets.UTF_8);
            assertThat(option).isEqualTo("{\"watch\":true}");
            assertThat(entry.getKey()).isEqualTo(watch.path("ID").asText()).isEqualTo(DynamicControllerDouble
                    .identifier("edge-1", watch.path("Key").asText(), "watch", option));
        });
        List<Message> lists = cloud.received("null", "null");
        assertThat(lists).extracting(message -> message.content().path("Key").asText()).containsExactlyInAnyOrder(
                "/core/v1/services/null/null", "/core/v1/endpoints/null/null", "/core/v1/nodes/null/null");
        assertThat(lists).allSatisfy(list -> {
            assertThat(list.content().path("Verb").asText()).isEqualTo("list");
            assertThat(list.content().path("Option").asText()).isEqualTo("e30="); // {}
        });
        assertThat(cloud.dynamic.listeners("edge-1")).hasSize(3);
        // the node's own Node, registered through EdgeController, is in the same cluster and comes back by the watch
        await().atMost(Duration.ofSeconds(10)).until(() -> held(Kinds.NODE, "", "edge-1") != null
                && held(Kinds.NODE, "", "edge-1").object().at("/metadata/annotations/cloudcore").isTextual());

        // watch events: create, update, delete
        cloud.dynamic.apply("services", service("shop", "cart", "10.96.0.11"));
        await().atMost(Duration.ofSeconds(10)).until(() -> held(Kinds.SERVICE, "shop", "cart") != null);
        cloud.dynamic.apply("services", service("shop", "cart", "10.96.0.12"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "10.96.0.12".equals(
                held(Kinds.SERVICE, "shop", "cart").object().at("/spec/clusterIP").asText()));
        cloud.dynamic.remove("services", "shop", "cart");
        await().atMost(Duration.ofSeconds(10)).until(() -> held(Kinds.SERVICE, "shop", "cart") == null);
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.dynamic.eventsWaiting("edge-1") == 0);

        // a reconnect: the same watches (CloudCore keeps them, so nothing is added), and the lists again
        cloud.dropSessions();
        await().atMost(Duration.ofSeconds(20)).until(() -> cloud.received("null", "watchapp/sync").size() == 2
                && cloud.received("null", "null").size() == 6);
        assertThat(cloud.dynamic.listeners("edge-1")).hasSize(3);
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void aListDeletesWhatTheCloudLostWhileTheNodeWasAwayButNeverTheNodesOwnObjects() {
        cloud.dynamic.apply("services", service("default", "old", "10.96.0.20"));
        cloud.dynamic.apply("nodes", node("edge-2"));
        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> held(Kinds.SERVICE, "default", "old") != null
                && held(Kinds.NODE, "", "edge-2") != null);
        // the node's own objects by other routes: a local Service, its own Node and a pod from the cloud
        store.put(service("default", "local", "10.96.0.30"), MANIFEST);
        await().atMost(Duration.ofSeconds(10)).until(() -> held(Kinds.NODE, "", "edge-1") != null
                || cloud.nodes.containsKey("edge-1"));
        if (held(Kinds.NODE, "", "edge-1") == null) {
            store.put(node("edge-1"), Downstream.SOURCE);
        }
        ObjectNode pod = pod("default", "web-0", "edge-1");
        store.put(pod, Downstream.SOURCE);

        // the link goes, CloudCore restarts (its listeners are gone) and the cloud changes meanwhile
        cloud.accepting = false;
        cloud.dropSessions();
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.snapshot().state() != LinkState.CONNECTED);
        cloud.dynamic.restartCloudCore();
        cloud.dynamic.remove("services", "default", "old");
        cloud.dynamic.remove("nodes", "", "edge-2");
        cloud.dynamic.apply("services", service("default", "new", "10.96.0.21"));
        cloud.accepting = true;

        await().atMost(Duration.ofSeconds(20)).until(() -> held(Kinds.SERVICE, "default", "new") != null
                && held(Kinds.SERVICE, "default", "old") == null && held(Kinds.NODE, "", "edge-2") == null);
        assertThat(cloud.dynamic.listeners("edge-1")).as("the watches resynced after the restart").hasSize(3);
        assertThat(held(Kinds.SERVICE, "default", "local").source()).isEqualTo(MANIFEST);
        assertThat(held(Kinds.NODE, "", "edge-1")).isNotNull();
        assertThat(held(Kinds.POD, "default", "web-0")).isNotNull();
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void aCloudWithoutDynamicControllerIsAskedAgainUntilItAnswers() {
        cloud.dynamic.enabled = false;
        cloud.dynamic.apply("services", service("default", "echo", "10.96.0.10"));
        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.received("null", "watchapp/sync").size() == 1);
        assertThat(held(Kinds.SERVICE, "default", "echo")).isNull();
        // the sync times out (ack.timeout.ms) and is sent again 5 s later, on the same session
        cloud.dynamic.enabled = true;
        await().atMost(Duration.ofSeconds(20)).until(() -> held(Kinds.SERVICE, "default", "echo") != null);
        assertThat(cloud.received("null", "watchapp/sync")).hasSize(2);
        assertThat(bridge.snapshot().reconnects()).isZero();
        assertThat(cloud.dynamic.listeners("edge-1")).hasSize(3);
    }

    @Test
    void anEmptyWatchListSyncsNoWatchesSoTheCloudDropsEarlierOnes() {
        bridge = connectedBridge(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.dynamic.listeners("edge-1").size() == 3);
        bridge.deactivate();
        bridge = connectedBridge(Map.of("watch.resources", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.dynamic.listeners("edge-1").isEmpty());
        assertThat(cloud.received("null", "null")).as("no lists").hasSize(3);
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void theStoreConvergesToTheCloudsSetThroughRandomChangesAndLinkFaults() {
        long seed = Long.getLong("seed", System.nanoTime());
        Random random = new Random(seed);
        String context = "seed " + seed + " (-Dseed=" + seed + " repeats it)";
        store.put(service("default", "local", "10.96.0.30"), MANIFEST);
        store.put(pod("default", "web-0", "edge-1"), Downstream.SOURCE);
        store.put(node("edge-1"), Downstream.SOURCE);
        bridge = connectedBridge(Map.of("register.node", false));
        List<String> resources = List.of("services", "endpoints", "nodes");
        for (int step = 0; step < 80; step++) {
            int choice = random.nextInt(100);
            String resource = resources.get(random.nextInt(resources.size()));
            String name = "o" + random.nextInt(6);
            String namespace = resource.equals("nodes") ? "" : random.nextBoolean() ? "default" : "shop";
            if (choice < 45) {
                cloud.dynamic.apply(resource, object(resource, namespace, name, random.nextInt(250)));
            } else if (choice < 75) {
                cloud.dynamic.remove(resource, namespace, name);
            } else if (choice < 85) {
                cloud.dropSessions();
            } else if (choice < 90) {
                cloud.dynamic.restartCloudCore();
                if (random.nextBoolean()) {
                    cloud.dropSessions();
                }
            } else if (choice < 95) {
                cloud.accepting = false;
                cloud.dropSessions();
            } else {
                cloud.accepting = true;
            }
            if (random.nextInt(4) == 0) {
                sleep(random.nextInt(150));
            }
        }
        cloud.accepting = true;
        // a restart without a reconnect leaves no listener until the next connect: CloudCore's own behaviour
        cloud.dropSessions();
        await(context).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String resource : resources) {
                assertThat(heldFromCloud(KINDS.get(resource))).as(context + ": " + resource)
                        .isEqualTo(versions(cloud.dynamic.objects(resource)));
            }
        });
        assertThat(held(Kinds.SERVICE, "default", "local")).as(context).isNotNull();
        assertThat(held(Kinds.POD, "default", "web-0")).as(context).isNotNull();
        assertThat(held(Kinds.NODE, "", "edge-1")).as(context).isNotNull();
        assertThat(cloud.cloudCoreLog).as(context).isEmpty();
    }

    private Map<String, String> heldFromCloud(String kind) {
        Map<String, String> found = new TreeMap<>();
        for (StoredObject object : store.list(Selector.kind(kind)).items()) {
            if (object.source().equals(Downstream.SOURCE)
                    && !(kind.equals(Kinds.NODE) && object.key().name().equals("edge-1"))) {
                found.put(object.key().namespace() + "/" + object.key().name(),
                        object.object().path("metadata").path("resourceVersion").asText());
            }
        }
        return found;
    }

    private static Map<String, String> versions(Map<String, ObjectNode> objects) {
        Map<String, String> found = new TreeMap<>();
        objects.forEach((key, object) -> found.put(key, object.path("metadata").path("resourceVersion").asText()));
        return found;
    }

    private StoredObject held(String kind, String namespace, String name) {
        return store.get(ObjectKey.of(kind, namespace, name)).orElse(null);
    }

    private static ObjectNode object(String resource, String namespace, String name, int value) {
        return switch (resource) {
            case "services" -> service(namespace, name, "10.96.1." + value);
            case "endpoints" -> endpoints(namespace, name, "10.244.2." + value, "edge-" + (value % 3));
            default -> node(name);
        };
    }

    static ObjectNode service(String namespace, String name, String clusterIp) {
        ObjectNode service = MessageCodec.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "Service");
        service.putObject("metadata").put("name", name).put("namespace", namespace);
        ObjectNode spec = service.putObject("spec").put("clusterIP", clusterIp).put("type", "ClusterIP");
        spec.putArray("ports").addObject().put("name", "http").put("port", 80).put("protocol", "TCP")
                .put("targetPort", 8080);
        return service;
    }

    static ObjectNode endpoints(String namespace, String name, String ip, String nodeName) {
        ObjectNode endpoints = MessageCodec.mapper().createObjectNode().put("apiVersion", "v1")
                .put("kind", "Endpoints");
        endpoints.putObject("metadata").put("name", name).put("namespace", namespace);
        ObjectNode subset = endpoints.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", ip).put("nodeName", nodeName);
        subset.putArray("ports").addObject().put("name", "http").put("port", 8080).put("protocol", "TCP");
        return endpoints;
    }

    static ObjectNode node(String name) {
        ObjectNode node = MessageCodec.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", name);
        node.putObject("status").putArray("addresses").addObject().put("type", "InternalIP").put("address", "10.0.0.2");
        return node;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A minimal Pod for the store. */
    static ObjectNode pod(String namespace, String name, String nodeName) {
        ObjectNode pod = MessageCodec.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", namespace).put("uid", "pod-uid-" + name);
        pod.putObject("spec").put("nodeName", nodeName).putArray("containers").addObject().put("name", "web")
                .put("image", "nginx");
        return pod;
    }
}
