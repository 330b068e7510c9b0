package io.karedge.kube.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.test.support.InMemoryMetaStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The edge-local API through fabric8's Kubernetes client, as an edge application would use it. */
@org.junit.jupiter.api.Timeout(60)
class KubeApiFabric8Test {

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    private KubeApiServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        store.put(pod("shop", "web-1", "edge-1", "web"), "cloud");
        store.put(pod("shop", "web-2", "edge-2", "web"), "cloud");
        store.put(pod("default", "db-1", "edge-1", "db"), "cloud");
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\","
                + "\"namespace\":\"shop\"},\"data\":{\"a\":\"1\"}}"), "cloud");
        store.put(json("{\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"kind\":\"Device\",\"metadata\":{\"name\":"
                + "\"thermometer-01\",\"namespace\":\"default\",\"labels\":{\"room\":\"lab\"}},\"spec\":{\"nodeName\":"
                + "\"edge-1\",\"deviceModelRef\":{\"name\":\"thermometer\"},\"protocol\":{\"protocolName\":\"virtual\"}}}"),
                "manifest:demo.yaml");
        server = KubeApiServer.start(store, KubeApiSettings.defaults().withPort(0), Clock.systemUTC(),
                Authorized.ACCESS);
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + server.port())
                .withOauthToken(io.karedge.test.support.FixedTokenAccess.TOKEN).withRequestTimeout(10_000).withConnectionTimeout(5_000).withRequestRetryBackoffLimit(0).build();
        client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) KaredgeJson.mapper().readTree(text);
    }

    static ObjectNode pod(String namespace, String name, String node, String app) throws Exception {
        return json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
                + namespace + "\",\"labels\":{\"app\":\"" + app + "\"}},\"spec\":{\"nodeName\":\"" + node
                + "\",\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]},\"status\":{\"phase\":\"Running\","
                + "\"podIP\":\"10.0.0.9\",\"containerStatuses\":[{\"name\":\"main\",\"ready\":true,\"restartCount\":0,"
                + "\"state\":{\"running\":{\"startedAt\":\"2026-01-01T00:00:00Z\"}}}]}}");
    }

    @Test
    void listsAndGetsPodsWithSelectors() {
        PodList all = client.pods().inAnyNamespace().list();
        assertThat(all.getItems()).extracting(p -> p.getMetadata().getName()).containsExactly("db-1", "web-1", "web-2");
        assertThat(all.getMetadata().getResourceVersion()).isEqualTo(Long.toString(store.resourceVersion()));

        assertThat(client.pods().inNamespace("shop").withLabel("app", "web").list().getItems()).hasSize(2);
        assertThat(client.pods().inAnyNamespace().withField("spec.nodeName", "edge-1").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("db-1", "web-1");

        Pod web1 = client.pods().inNamespace("shop").withName("web-1").get();
        assertThat(web1.getSpec().getNodeName()).isEqualTo("edge-1");
        assertThat(web1.getMetadata().getResourceVersion())
                .isEqualTo(Long.toString(store.get(ObjectKey.of(Kinds.POD, "shop", "web-1")).orElseThrow()
                        .resourceVersion()));
        assertThat(client.pods().inNamespace("shop").withName("nope").get()).isNull();

        ConfigMap settings = client.configMaps().inNamespace("shop").withName("settings").get();
        assertThat(settings.getData()).containsEntry("a", "1");
    }

    @Test
    void pagesALongListWithContinueTokens() throws Exception {
        for (int i = 0; i < 25; i++) {
            store.put(json("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + (100 + i) + "\",\"namespace\":"
                    + "\"paged\"}}"), "cloud");
        }
        var first = client.configMaps().inNamespace("paged").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withLimit(10L).build());
        assertThat(first.getItems()).hasSize(10);
        assertThat(first.getMetadata().getContinue()).isNotEmpty();
        var second = client.configMaps().inNamespace("paged").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withLimit(10L).withContinue(first.getMetadata().getContinue()).build());
        assertThat(second.getItems()).extracting(c -> c.getMetadata().getName()).first().isEqualTo("cm-110");
        // following the tokens to the end gives every item once, in order
        List<String> names = new CopyOnWriteArrayList<>();
        String token = null;
        do {
            var page = client.configMaps().inNamespace("paged").list(new io.fabric8.kubernetes.api.model
                    .ListOptionsBuilder().withLimit(7L).withContinue(token).build());
            page.getItems().forEach(c -> names.add(c.getMetadata().getName()));
            assertThat(page.getMetadata().getResourceVersion()).isEqualTo(first.getMetadata().getResourceVersion());
            token = page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        assertThat(names).hasSize(25).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void devicesAreServedUnderTheirGroupThroughDiscovery() {
        List<GenericKubernetesResource> devices = client.genericKubernetesResources("devices.kubeedge.io/v1beta1",
                "Device").inAnyNamespace().list().getItems();
        assertThat(devices).extracting(d -> d.getMetadata().getName()).containsExactly("thermometer-01");
        assertThat(client.genericKubernetesResources("devices.kubeedge.io/v1beta1", "Device").inNamespace("default")
                .withLabel("room", "lab").list().getItems()).hasSize(1);
        assertThat(client.getApiGroups().getGroups()).extracting(g -> g.getName()).contains("devices.kubeedge.io");
        assertThat(client.getKubernetesVersion().getMajor()).isEqualTo("1");
    }

    @Test
    void watchSeesChangesAfterTheListVersion() throws Exception {
        String from = client.pods().inAnyNamespace().list().getMetadata().getResourceVersion();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch watch = client.pods().inNamespace("shop").withResourceVersion(from).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                events.add(action + " " + pod.getMetadata().getName() + " " + pod.getMetadata().getLabels().get("app"));
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            store.put(pod("shop", "web-3", "edge-1", "web"), "cloud");
            store.put(pod("shop", "web-1", "edge-1", "web-v2"), "cloud");
            store.put(pod("default", "other", "edge-1", "db"), "cloud");
            store.delete(ObjectKey.of(Kinds.POD, "shop", "web-2"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events)
                    .containsExactly("ADDED web-3 web", "MODIFIED web-1 web-v2", "DELETED web-2 web"));
        }
    }

    @Test
    void informerFollowsTheLocalStore() throws Exception {
        Map<String, String> cache = new ConcurrentHashMap<>();
        SharedIndexInformer<Pod> informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                cache.put(pod.getMetadata().getName(), pod.getSpec().getNodeName());
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                cache.put(pod.getMetadata().getName(), pod.getSpec().getNodeName());
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                cache.remove(pod.getMetadata().getName());
            }
        }, 0);
        try {
            await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
            assertThat(cache).containsOnlyKeys("db-1", "web-1", "web-2");
            store.put(pod("shop", "web-1", "edge-9", "web"), "cloud");
            store.delete(ObjectKey.of(Kinds.POD, "default", "db-1"));
            store.put(pod("edge", "local-1", "edge-1", "x"), "manifest:local.yaml");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cache)
                    .containsOnly(Map.entry("web-1", "edge-9"), Map.entry("web-2", "edge-2"),
                            Map.entry("local-1", "edge-1")));
            assertThat(informer.getIndexer().list()).hasSize(3);
        } finally {
            informer.close();
        }
    }

    @Test
    void writesOfCloudObjectsAreRefusedAndNodeObjectsCannotBeWritten() {
        Pod web1 = client.pods().inNamespace("shop").withName("web-1").get();
        web1.getMetadata().setLabels(Map.of("app", "changed"));
        assertThatThrownBy(() -> client.pods().inNamespace("shop").resource(web1).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(503);
                    assertThat(e.getStatus().getReason()).isEqualTo("ServiceUnavailable");
                });
        assertThat(store.get(ObjectKey.of(Kinds.POD, "shop", "web-1")).orElseThrow().object().path("metadata")
                .path("labels").path("app").asText()).isEqualTo("web");
        assertThatThrownBy(() -> client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata().withName("edge-9").endMetadata().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(405);
                    assertThat(e.getStatus().getReason()).isEqualTo("MethodNotAllowed");
                });
        assertThat(store.get(ObjectKey.of(Kinds.NODE, "", "edge-9"))).isEmpty();
    }
}
