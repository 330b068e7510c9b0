package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
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
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/** One boot of the distribution: bundles, demo manifests, shell, REST list/watch, store hot swap. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeIT extends KaredgeTestSupport {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        return baseConfiguration(systemProperty("karedge.readme").value(
                new File(System.getProperty("user.dir"), "../README.md").getAbsolutePath()));
    }

    /**
     * The README's "Try it" lines, read from README.md now, run as a newcomer runs them: console lines in the
     * console, mosquitto_pub and curl against the node's ports. Each must succeed, and what a twin update
     * sets must show in the node's twin.
     */
    @Test
    public void theReadmesTryItLinesWork() throws Exception {
        MetaStore store = service(MetaStore.class);
        await("demo devices stored", BOOT, () -> store.list(Selector.kind("Device")).items().size() >= 3);
        await("REST up", BOOT, () -> statusOf("/api/v1/status") == 200);
        List<ReadmeCommands.Line> lines = ReadmeCommands.tryIt(Path.of(System.getProperty("karedge.readme")));
        assertTrue("README's Try it block: " + lines, lines.size() >= 4);
        Map<String, String> variables = new HashMap<>();
        Path karafData = Path.of(System.getProperty("karaf.data"));
        for (ReadmeCommands.Line line : lines) {
            String program = line.program();
            if (ReadmeCommands.assign(line, variables, karafData)) {
                continue;
            }
            if (program.startsWith("edge:")) {
                await("twins loaded", BOOT, () -> hasService(io.karedge.api.twin.TwinEngine.class));
                String output = execute(line.text());
                assertFalse(line.text() + " printed nothing", output.isBlank());
            } else if (program.equals("mosquitto_pub")) {
                List<String> command = new ArrayList<>(line.words());
                command.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(mqttPort())));
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(line.text() + " did not end", process.waitFor(30, TimeUnit.SECONDS));
                assertEquals(line.text() + ": " + output, 0, process.exitValue());
                awaitDesiredValues(line.words());
            } else if (program.equals("curl")) {
                List<String> words = new ArrayList<>();
                for (String word : line.words()) {
                    words.add(ReadmeCommands.expand(word, variables, karafData));
                }
                HttpResponse<String> response = http.send(ReadmeCommands.request(words, httpPort()),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(line.text() + ": " + response.body(), 200, response.statusCode());
            } else {
                throw new AssertionError("README's Try it block has a line this test cannot run: " + line.text());
            }
        }
    }

    /** For a twin update published from the README: its expected values show in the device's twin. */
    private void awaitDesiredValues(List<String> words) throws Exception {
        String topic = words.get(words.indexOf("-t") + 1);
        JsonNode payload = KaredgeJson.mapper().readTree(words.get(words.indexOf("-m") + 1));
        String[] parts = topic.split("/");
        if (!topic.endsWith("/twin/update") || parts.length < 6) {
            return;
        }
        String path = "/api/v1/namespaces/" + parts[3] + "/devices/" + parts[4] + "/twin";
        payload.path("twin").fields().forEachRemaining(twin -> {
            String wanted = twin.getValue().path("expected").path("value").asText();
            try {
                await(twin.getKey() + " = " + wanted + " in " + path, Duration.ofSeconds(10), () -> {
                    try {
                        JsonNode expected = KaredgeJson.mapper().readTree(get(path).body())
                                .path("twins").path(twin.getKey()).path("expected");
                        return wanted.equals(expected.path("value").asText(expected.asText()));
                    } catch (Exception e) {
                        return false;
                    }
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** First-hour surprises of the console, on this node without pods and without the mesh. */
    @Test
    public void theConsoleAnswersAsKubectlUsersExpect() throws Exception {
        MetaStore store = service(MetaStore.class);
        await("demo devices stored", BOOT, () -> store.list(Selector.kind("Device")).items().size() >= 3);
        await("twins loaded", BOOT, () -> hasService(io.karedge.api.twin.TwinEngine.class));
        // options after the arguments
        assertTrue(execute("edge:twin thermometer-01 -n default").contains("default/thermometer-01"));
        assertTrue(execute("edge:device thermometer-01 -n default").contains("thermometer-01"));
        // --expect-version 0 (must not exist yet) read after the arguments: the demo's setpoint exists
        String set = failure("edge:twin-set thermometer-01 setpoint 26 -n default --expect-version 0");
        assertTrue(set, set.contains("default/thermometer-01 setpoint: conflict"));
        // empty lists say so
        assertEquals("No resources found in default namespace.", execute("edge:get pods").trim());
        // the commands of parts this node does not run say which feature brings them
        assertEquals("the pod manager is not running (feature karedge-pod-manager)", failure("edge:pods"));
        assertEquals("the mesh proxy is not running (feature karedge-mesh-proxy)", failure("edge:services"));
        // and inspecting those commands at start logged nothing about their missing APIs
        Path log = Path.of(System.getProperty("karaf.log", System.getProperty("karaf.data") + "/log"), "karaf.log");
        for (String line : Files.readAllLines(log)) {
            assertFalse(line, line.contains("Inspection of class io.karedge") || line.contains("io/karedge/pod/")
                    || line.contains("io/karedge/mesh/"));
        }
    }

    private String failure(String command) {
        try {
            return "no failure: " + execute(command);
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    @Test
    public void everyBundleIsActive() throws Exception {
        await("all bundles active", BOOT, () -> notActive().isEmpty());
        assertTrue("not active: " + notActive(), notActive().isEmpty());
        for (String name : List.of("io.karedge.api", "io.karedge.device.driver", "io.karedge.node",
                "io.karedge.store", "io.karedge.manifests", "io.karedge.shell", "io.karedge.rest")) {
            assertEquals(name, Bundle.ACTIVE, bundle(name).getState());
        }
        // after the first start's boot features, Karaf's features service moves to the last start level, so that
        // every later start runs the node's bundles first (FeaturesServiceLast); it keeps running meanwhile
        Bundle features = bundle("org.apache.karaf.features.core");
        await("features service at the last start level", Duration.ofSeconds(30),
                () -> features.adapt(BundleStartLevel.class).getStartLevel() == 100);
        assertEquals(Bundle.ACTIVE, features.getState());
        for (Bundle bundle : bundleContext.getBundles()) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("io.karedge.")) {
                assertTrue(bundle.getSymbolicName() + " starts before the features service",
                        bundle.adapt(BundleStartLevel.class).getStartLevel() < 100);
            }
        }
        assertTrue("the features service still answers", service(FeaturesService.class).isInstalled(
                service(FeaturesService.class).getFeature("karedge-core")));
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
