package io.karedge.kube.api.internal;

import static io.karedge.kube.api.internal.KubeApiFabric8Test.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.node.NodeMode;
import io.karedge.test.support.InMemoryMetaStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writes through the edge-local API with fabric8's client: the node's own objects, stored and watched. */
@org.junit.jupiter.api.Timeout(60)
class KubeApiWriteTest {

    private static final String DEVICES = "devices.kubeedge.io/v1beta1";

    private final InMemoryMetaStore store = new InMemoryMetaStore();
    private final AtomicReference<Optional<NodeMode>> mode = new AtomicReference<>(Optional.of(NodeMode.STANDALONE));
    private KubeApiServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"from-cloud\","
                + "\"namespace\":\"app\"},\"data\":{\"a\":\"1\"}}"), "cloud");
        store.put(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"from-file\","
                + "\"namespace\":\"app\"},\"data\":{\"a\":\"1\"}}"), "manifest:demo.yaml");
        server = KubeApiServer.start(store, KubeApiSettings.defaults().withPort(0), Clock.systemUTC(), () -> null,
                mode::get, Authorized.ACCESS, null);
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + server.port())
                .withOauthToken(io.karedge.test.support.FixedTokenAccess.TOKEN).withRequestTimeout(10_000).withConnectionTimeout(5_000).withRequestRetryBackoffLimit(0)
                // watches are streaming GETs here; fabric8 7.4's fall-back from its WebSocket attempt sometimes
                // closes the watch it has just opened, so the test does not make it try
                .withOnlyHttpWatches(true).build();
        client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private static ConfigMap configMap(String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("app").endMetadata()
                .withData(data).build();
    }

    private StoredObject stored(String kind, String name) {
        return store.get(ObjectKey.of(kind, "app", name)).orElseThrow();
    }

    @Test
    void configMapIsCreatedReplacedPatchedAndDeletedAndWatched() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        String from = client.configMaps().inNamespace("app").list().getMetadata().getResourceVersion();
        try (Watch watch = client.configMaps().inNamespace("app").withResourceVersion(from).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap map) {
                events.add(action + " " + map.getMetadata().getName() + " " + new java.util.TreeMap<>(
                        map.getData() == null ? Map.of() : map.getData()));
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            ConfigMap created = client.configMaps().inNamespace("app").resource(configMap("settings",
                    Map.of("level", "info"))).create();
            assertThat(created.getMetadata().getUid()).isNotEmpty();
            assertThat(created.getMetadata().getResourceVersion())
                    .isEqualTo(Long.toString(stored(Kinds.CONFIG_MAP, "settings").resourceVersion()));
            assertThat(stored(Kinds.CONFIG_MAP, "settings").source()).isEqualTo("local");

            created.setData(Map.of("level", "debug"));
            ConfigMap replaced = client.configMaps().inNamespace("app").resource(created).update();
            assertThat(replaced.getData()).containsOnly(Map.entry("level", "debug"));
            assertThat(replaced.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());

            client.configMaps().inNamespace("app").withName("settings").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"data\":{\"color\":\"blue\"}}");
            client.configMaps().inNamespace("app").withName("settings").patch(PatchContext.of(
                    PatchType.STRATEGIC_MERGE), "{\"data\":{\"level\":null}}");
            ConfigMap edited = client.configMaps().inNamespace("app").withName("settings").edit(map -> {
                map.getData().put("size", "large");
                return map;
            });
            assertThat(edited.getData()).containsOnly(Map.entry("color", "blue"), Map.entry("size", "large"));
            assertThat(stored(Kinds.CONFIG_MAP, "settings").object().path("data").path("size").asText())
                    .isEqualTo("large");

            assertThat(client.configMaps().inNamespace("app").withName("settings").delete()).hasSize(1);
            assertThat(store.get(ObjectKey.of(Kinds.CONFIG_MAP, "app", "settings"))).isEmpty();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events).containsExactly(
                    "ADDED settings {level=info}",
                    "MODIFIED settings {level=debug}",
                    "MODIFIED settings {color=blue, level=debug}",
                    "MODIFIED settings {color=blue}",
                    "MODIFIED settings {color=blue, size=large}",
                    "DELETED settings {color=blue, size=large}"));
        }
    }

    @Test
    void deviceIsCreatedUpdatedPatchedAndDeleted() {
        var devices = client.genericKubernetesResources(DEVICES, "Device").inNamespace("app");
        GenericKubernetesResource device = new GenericKubernetesResource();
        device.setApiVersion(DEVICES);
        device.setKind("Device");
        device.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("meter-1")
                .withLabels(Map.of("room", "lab")).build());
        device.setAdditionalProperty("spec", Map.of("deviceModelRef", Map.of("name", "meter"),
                "protocol", Map.of("protocolName", "virtual")));
        device.setAdditionalProperty("status", Map.of("twins", List.of()));
        GenericKubernetesResource created = devices.resource(device).create();
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(stored(Kinds.DEVICE, "meter-1").object().path("spec").path("protocol").path("protocolName")
                .asText()).isEqualTo("virtual");

        created.setAdditionalProperty("spec", Map.of("deviceModelRef", Map.of("name", "meter"),
                "protocol", Map.of("protocolName", "modbus")));
        created.setAdditionalProperty("status", Map.of("twins", List.of(Map.of("propertyName", "forged"))));
        GenericKubernetesResource updated = devices.resource(created).update();
        assertThat(updated.getMetadata().getGeneration()).isEqualTo(2L);
        // status belongs to the node's device side; a write of the object keeps the stored one
        assertThat(stored(Kinds.DEVICE, "meter-1").object().path("status").path("twins")).isEmpty();

        devices.withName("meter-1").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"room\":null,\"line\":\"2\"}}}");
        assertThat(stored(Kinds.DEVICE, "meter-1").object().path("metadata").path("labels").toString())
                .isEqualTo("{\"line\":\"2\"}");
        assertThat(devices.withLabel("line", "2").list().getItems()).hasSize(1);

        assertThat(devices.withName("meter-1").delete()).hasSize(1);
        assertThat(store.get(ObjectKey.of(Kinds.DEVICE, "app", "meter-1"))).isEmpty();
    }

    @Test
    void aDesiredValueTheModelForbidsIs422AndNothingIsStored() throws Exception {
        store.put(json("{\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"kind\":\"DeviceModel\",\"metadata\":"
                + "{\"name\":\"plc\",\"namespace\":\"app\"},\"spec\":{\"protocol\":\"modbus\",\"properties\":["
                + "{\"name\":\"setpoint\",\"type\":\"INT\",\"accessMode\":\"ReadWrite\",\"maximum\":\"30\"},"
                + "{\"name\":\"temperature\",\"type\":\"FLOAT\",\"accessMode\":\"ReadOnly\"}]}}"), "local");
        var devices = client.genericKubernetesResources(DEVICES, "Device").inNamespace("app");
        GenericKubernetesResource device = new GenericKubernetesResource();
        device.setApiVersion(DEVICES);
        device.setKind("Device");
        device.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("plc-01").build());
        device.setAdditionalProperty("spec", Map.of("deviceModelRef", Map.of("name", "plc"),
                "protocol", Map.of("protocolName", "modbus"),
                "properties", List.of(Map.of("name", "setpoint", "desired", Map.of("value", "99")))));

        assertThatThrownBy(() -> devices.resource(device).create()).isInstanceOfSatisfying(
                KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.properties[0].desired.value")
                            .contains("above the maximum 30");
                });
        assertThat(store.get(ObjectKey.of(Kinds.DEVICE, "app", "plc-01"))).isEmpty();

        device.setAdditionalProperty("spec", Map.of("deviceModelRef", Map.of("name", "plc"),
                "protocol", Map.of("protocolName", "modbus"),
                "properties", List.of(Map.of("name", "setpoint", "desired", Map.of("value", "21")))));
        devices.resource(device).create();
        assertThatThrownBy(() -> devices.withName("plc-01").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"properties\":[{\"name\":\"temperature\",\"desired\":{\"value\":\"18\"}}]}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("ReadOnly");
                });
        assertThat(stored(Kinds.DEVICE, "plc-01").object().path("spec").path("properties").get(0).path("desired")
                .path("value").asText()).isEqualTo("21");
    }

    @Test
    void staleResourceVersionIsAConflictAndNothingIsStored() {
        ConfigMap created = client.configMaps().inNamespace("app").resource(configMap("c", Map.of("v", "1"))).create();
        ConfigMap stale = new ConfigMapBuilder(created).build();
        created.setData(Map.of("v", "2"));
        client.configMaps().inNamespace("app").resource(created).update();
        long version = stored(Kinds.CONFIG_MAP, "c").resourceVersion();

        stale.setData(Map.of("v", "3"));
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").resource(stale).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).contains("Operation cannot be fulfilled on configmaps "
                            + "\"c\": the object has been modified");
                });
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").withName("c").patch(PatchContext.of(
                PatchType.JSON_MERGE), "{\"metadata\":{\"resourceVersion\":\"" + stale.getMetadata()
                .getResourceVersion() + "\"},\"data\":{\"v\":\"4\"}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").resource(stale).lockResourceVersion().delete())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(stored(Kinds.CONFIG_MAP, "c").resourceVersion()).isEqualTo(version);
        assertThat(stored(Kinds.CONFIG_MAP, "c").object().path("data").path("v").asText()).isEqualTo("2");

        assertThatThrownBy(() -> client.configMaps().inNamespace("app").resource(configMap("c", Map.of())).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
                });
        ConfigMap missing = configMap("missing", Map.of());
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").resource(missing).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        assertThat(client.configMaps().inNamespace("app").withName("missing").delete()).isEmpty();
    }

    @Test
    void objectsOfTheCloudAndOfManifestsAreNotWrittenHere() {
        ConfigMap cloud = client.configMaps().inNamespace("app").withName("from-cloud").get();
        cloud.setData(Map.of("a", "2"));
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").resource(cloud).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(503);
                    assertThat(e.getStatus().getReason()).isEqualTo("ServiceUnavailable");
                    assertThat(e.getStatus().getMessage()).contains("came from the cloud").contains("CloudCore");
                });
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").withName("from-file").delete())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).contains("manifest file demo.yaml");
                });
        assertThat(store.sourceOf(ObjectKey.of(Kinds.CONFIG_MAP, "app", "from-cloud"))).isEqualTo("cloud");
        assertThat(stored(Kinds.CONFIG_MAP, "from-cloud").object().path("data").path("a").asText()).isEqualTo("1");
        assertThat(store.get(ObjectKey.of(Kinds.CONFIG_MAP, "app", "from-file"))).isPresent();

        // joined to a cloud: EdgeCore would send a create to CloudCore, which this node cannot do yet
        client.configMaps().inNamespace("app").resource(configMap("own", Map.of())).create();
        mode.set(Optional.of(NodeMode.CLOUD));
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").resource(configMap("new", Map.of())).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(503);
                    assertThat(e.getStatus().getMessage()).contains("joined to a cloud");
                });
        assertThat(store.get(ObjectKey.of(Kinds.CONFIG_MAP, "app", "new"))).isEmpty();
        // the node's own objects stay its own
        client.configMaps().inNamespace("app").withName("own").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"data\":{\"k\":\"v\"}}");
        assertThat(stored(Kinds.CONFIG_MAP, "own").object().path("data").path("k").asText()).isEqualTo("v");
    }

    @Test
    void aStoreThatCannotWriteIsA503AndNothingIsAnsweredAsStored() {
        store.failWrites = true;
        assertThatThrownBy(() -> client.configMaps().inNamespace("app").resource(configMap("x", Map.of())).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(503);
                    assertThat(e.getStatus().getMessage()).contains("nothing was stored").contains("disk full");
                });
        store.failWrites = false;
        assertThat(store.get(ObjectKey.of(Kinds.CONFIG_MAP, "app", "x"))).isEmpty();
    }
}
