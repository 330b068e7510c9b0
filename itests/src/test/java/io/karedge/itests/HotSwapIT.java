package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * One boot: every optional feature installs offline, and every hot-swappable bundle of them survives
 * stop, start and update with its service back (the twin engine, event bus, device manager, drivers
 * and store have their own tests in TwinBusIT, DevicesIT and NodeIT).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends KaredgeTestSupport {

    private static final Duration BACK = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        return baseConfiguration();
    }

    @Test
    public void optionalBundlesSurviveStopStartAndUpdate() throws Exception {
        FeaturesService features = service(FeaturesService.class);
        for (String feature : new String[] {"karedge-cloud", "karedge-dmi", "karedge-protocol-modbus",
                "karedge-protocol-mqtt"}) {
            features.installFeature(feature, EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        }

        // bundle -> the service it must offer again (null: the bundle only has to be active again)
        Map<String, String> swaps = new LinkedHashMap<>();
        swaps.put("io.karedge.pod.manager", "(objectClass=io.karedge.pod.PodManagerStatus)");
        swaps.put("io.karedge.runtime.feature", "(&(objectClass=io.karedge.pod.PodRuntime)(karedge.runtime.class=karaf-feature))");
        swaps.put("io.karedge.runtime.cri", null);
        swaps.put("io.karedge.cloud.bridge", null);
        swaps.put("io.karedge.mesh.proxy", "(objectClass=io.karedge.mesh.MeshStatus)");
        swaps.put("io.karedge.dmi", "(objectClass=io.karedge.dmi.MapperRegistry)");
        swaps.put("io.karedge.protocol.modbus", "(&(objectClass=io.karedge.device.driver.ProtocolDriver)(karedge.protocol.name=modbus))");
        swaps.put("io.karedge.protocol.mqtt", "(&(objectClass=io.karedge.device.driver.ProtocolDriver)(karedge.protocol.name=mqtt))");
        swaps.put("io.karedge.manifests", null);
        swaps.put("io.karedge.rest", null);
        swaps.put("io.karedge.shell", null);

        for (Map.Entry<String, String> swap : swaps.entrySet()) {
            Bundle bundle = bundle(swap.getKey());
            String filter = swap.getValue();
            await(swap.getKey() + " active", BACK, () -> bundle.getState() == Bundle.ACTIVE);
            if (filter != null) {
                await(swap.getKey() + " offers " + filter, BACK, () -> offers(filter));
            }
            bundle.stop();
            if (filter != null) {
                await(swap.getKey() + " withdrew " + filter, BACK, () -> !offers(filter));
            }
            bundle.start();
            awaitBack(bundle, filter, "start");
            bundle.update();
            awaitBack(bundle, filter, "update");
        }
    }

    @Test
    public void meshUpdateRebuildsItsListenersFromTheStoreWithinASecond() throws Exception {
        FeaturesService features = service(FeaturesService.class);
        // with the default refresh, the REST bundle is rewired to the mesh API it imports optionally
        features.installFeature("karedge-mesh-proxy", EnumSet.noneOf(FeaturesService.Option.class));
        MetaStore store = service(MetaStore.class);
        store.put(service("echo", 18_000 + (int) (Math.random() * 1000)), "local");
        await("echo service listened", BACK, () -> meshAddress("echo") != null);
        String address = meshAddress("echo");

        // the test reads the mesh through REST: its classes are not wired to this probe (installed later)
        Bundle mesh = bundle("io.karedge.mesh.proxy");
        mesh.update();
        await("mesh back", BACK, () -> mesh.getState() == Bundle.ACTIVE && offers("(objectClass=io.karedge.mesh.MeshStatus)"));
        long back = System.nanoTime();
        await("listener rebuilt", Duration.ofSeconds(5), () -> address.equals(meshAddress("echo")));
        long millis = (System.nanoTime() - back) / 1_000_000;
        assertTrue("rebuilt after " + millis + " ms", millis < 1_000);
        assertEquals(address, meshAddress("echo"));
    }

    private void awaitBack(Bundle bundle, String filter, String after) throws InterruptedException {
        await(bundle.getSymbolicName() + " active after " + after, BACK, () -> bundle.getState() == Bundle.ACTIVE);
        if (filter != null) {
            await(bundle.getSymbolicName() + " service back after " + after, BACK, () -> offers(filter));
        }
    }

    private boolean offers(String filter) {
        try {
            var references = bundleContext.getServiceReferences((String) null, filter);
            return references != null && references.length > 0;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The local address of a mesh service as {@code GET /api/v1/mesh/services} shows it, or null. */
    private String meshAddress(String name) {
        try {
            HttpResponse<String> response = http.send(authorized(
                    URI.create("http://127.0.0.1:" + httpPort() + "/api/v1/mesh/services"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            for (JsonNode service : KaredgeJson.mapper().readTree(response.body()).path("services")) {
                if (name.equals(service.path("name").asText())) {
                    return service.path("address").asText(null);
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private static ObjectNode service(String name, int port) {
        ObjectNode service = KaredgeJson.mapper().createObjectNode();
        service.put("apiVersion", "v1").put("kind", "Service");
        service.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = service.putObject("spec");
        spec.putObject("selector").put("app", name);
        spec.putArray("ports").addObject().put("name", "tcp").put("port", port).put("protocol", "TCP");
        return service;
    }
}
