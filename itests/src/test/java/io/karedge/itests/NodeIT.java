package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;

/** One boot of the distribution: bundles, demo manifests, shell, REST list/watch, store hot swap. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeIT extends KaredgeTestSupport {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        return baseConfiguration();
    }

    @Test
    public void everyBundleIsActive() throws Exception {
        await("all bundles active", BOOT, () -> notActive().isEmpty());
        assertTrue("not active: " + notActive(), notActive().isEmpty());
        for (String name : List.of("io.karedge.api", "io.karedge.device.driver", "io.karedge.node",
                "io.karedge.store", "io.karedge.manifests", "io.karedge.shell", "io.karedge.rest")) {
            assertEquals(name, Bundle.ACTIVE, bundle(name).getState());
        }
    }

    @Test
    public void anOptionalFeatureWithoutThePartsItCanUseLeavesTheNodeHealthy() throws Exception {
        await("all bundles active", BOOT, () -> notActive().isEmpty());
        // the local API shows live pod status when the pod manager is there; this node has none
        service(FeaturesService.class).installFeature("karedge-kube-api",
                EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        await("local API active", BOOT, () -> bundle("io.karedge.kube.api").getState() == Bundle.ACTIVE);
        String status = execute("edge:status");
        assertTrue(status, status.startsWith("Node itest-node is healthy"));
        assertTrue(status, line(status, "io.karedge.kube.api").contains(" ok"));
    }

    @Test
    public void demoManifestsAreInTheStore() throws Exception {
        MetaStore store = service(MetaStore.class);
        await("demo devices stored", BOOT, () -> store.list(Selector.kind("Device")).items().size() >= 3);
        List<String> names = new ArrayList<>();
        for (StoredObject device : store.list(Selector.of("Device", "default")).items()) {
            names.add(device.key().name());
            assertTrue(device.source(), device.source().startsWith("manifest:"));
        }
        assertTrue(names.toString(), names.contains("thermometer-01"));
        assertFalse(store.list(Selector.kind("DeviceModel")).items().isEmpty());
    }

    @Test
    public void shellShowsStatusAndDevices() throws Exception {
        MetaStore store = service(MetaStore.class);
        await("demo devices stored", BOOT, () -> store.list(Selector.kind("Device")).items().size() >= 3);

        String devices = execute("edge:get devices");
        assertTrue(devices, devices.contains("NAME"));
        assertTrue(devices, devices.contains("thermometer-01"));

        String json = execute("edge:get device thermometer-01 -o json");
        assertEquals("thermometer-01", KaredgeJson.mapper().readTree(json).path("metadata").path("name").asText());

        String status = execute("edge:status");
        assertTrue(status, status.contains("itest-node"));
        assertTrue(status, status.toLowerCase().contains("standalone"));
        assertTrue(status, status.contains("io.karedge.store"));
    }

    @Test
    public void restListsGetsAndWatches() throws Exception {
        MetaStore store = service(MetaStore.class);
        await("demo devices stored", BOOT, () -> store.list(Selector.kind("Device")).items().size() >= 3);
        await("REST up", BOOT, () -> statusOf("/api/v1/status") == 200);

        JsonNode status = KaredgeJson.mapper().readTree(get("/api/v1/status").body());
        assertEquals("itest-node", status.path("nodeName").asText());

        HttpResponse<String> list = get("/api/v1/namespaces/default/devices");
        assertEquals(200, list.statusCode());
        JsonNode listJson = KaredgeJson.mapper().readTree(list.body());
        assertTrue(list.body(), listJson.path("items").size() >= 3);
        long listVersion = Long.parseLong(listJson.path("metadata").path("resourceVersion").asText());

        assertEquals(200, statusOf("/api/v1/namespaces/default/devices/thermometer-01"));
        assertEquals(404, statusOf("/api/v1/namespaces/default/devices/no-such-device"));

        HttpRequest watch = authorized(uri("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion="
                + listVersion + "&timeoutSeconds=20")).build();
        CompletableFuture<HttpResponse<InputStream>> stream = http.sendAsync(watch, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response = stream.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());

        ObjectNode configMap = KaredgeJson.mapper().createObjectNode();
        configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
        configMap.putObject("metadata").put("name", "watched-by-itest").put("namespace", "default");
        configMap.putObject("data").put("key", "value");
        StoredObject written = store.put(configMap, "local");

        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            JsonNode event = null;
            while ((line = reader.readLine()) != null) {
                JsonNode candidate = KaredgeJson.mapper().readTree(line);
                if ("watched-by-itest".equals(candidate.path("object").path("metadata").path("name").asText())) {
                    event = candidate;
                    break;
                }
            }
            assertTrue("no watch event for the ConfigMap", event != null);
            assertEquals("ADDED", event.path("type").asText());
            assertEquals(String.valueOf(written.resourceVersion()), event.path("resourceVersion").asText());
        }
    }

    @Test
    public void storeBundleStopStartAndUpdateLoseNothing() throws Exception {
        MetaStore store = service(MetaStore.class);
        await("demo devices stored", BOOT, () -> store.list(Selector.kind("Device")).items().size() >= 3);
        ObjectNode marker = KaredgeJson.mapper().createObjectNode();
        marker.put("apiVersion", "v1").put("kind", "ConfigMap");
        marker.putObject("metadata").put("name", "hot-swap-marker").put("namespace", "default");
        marker.putObject("data").put("written", "before the swap");
        store.put(marker, "local");
        Map<String, Long> countsBefore = store.countByKind();
        long versionBefore = store.resourceVersion();

        Bundle storeBundle = bundle("io.karedge.store");
        storeBundle.stop();
        await("MetaStore gone", Duration.ofSeconds(10), () -> !hasService(MetaStore.class));
        storeBundle.start();
        assertNothingLost(countsBefore, versionBefore);

        storeBundle.update();
        await("store bundle active again", Duration.ofSeconds(30), () -> storeBundle.getState() == Bundle.ACTIVE);
        assertNothingLost(countsBefore, versionBefore);
        await("all bundles active after update", BOOT, () -> notActive().isEmpty());
    }

    private void assertNothingLost(Map<String, Long> countsBefore, long versionBefore) throws Exception {
        MetaStore store = service(MetaStore.class);
        assertEquals(countsBefore, store.countByKind());
        assertTrue(store.resourceVersion() >= versionBefore);
        assertTrue(store.get(ObjectKey.of("ConfigMap", "default", "hot-swap-marker")).isPresent());
    }

    private List<String> notActive() {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            boolean fragment = (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            if (!fragment && bundle.getState() != Bundle.ACTIVE) {
                problems.add(bundle.getSymbolicName() + " (" + bundle.getState() + ")");
            }
        }
        return problems;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(authorized(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP status of a GET, or -1 while nothing answers. */
    private int statusOf(String path) {
        try {
            return get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String line(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + containing + " in:\n" + text));
    }
}
