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
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * One boot: the pod manager and the Karaf feature runtime installed offline from the distribution; a Pod of
 * runtime class {@code karaf-feature} installs a protocol driver feature, runs while its bundles are active,
 * shows in {@code edge:pods}, {@code edge:logs} and the REST API, and uninstalls it when deleted; a pod naming
 * a feature that does not exist fails on its own.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureRuntimeIT extends KaredgeTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NS = "default";
    private static final String MODBUS_BUNDLE = "io.karedge.protocol.modbus";
    private static final String MISSING_FEATURE = "karedge-no-such-feature";

    @Configuration
    public Option[] config() {
        // set by failsafe in this JVM; the test itself runs in the container
        return baseConfiguration(systemProperty("project.version").value(System.getProperty("project.version")));
    }

    @Test
    public void aFeaturePodInstallsRunsAndUninstallsItsFeatureAndABadOneFailsAlone() throws Exception {
        installPodFeatures();
        // io.karedge.pod is imported dynamically by the probe: only code loaded after the install may name it
        new Scenario().run();
    }

    /** The checks that use the pod API; a class of its own, loaded once the pod manager is installed. */
    private final class Scenario {

        void run() throws Exception {
            MetaStore store = service(MetaStore.class);
            PodManagerStatus pods = service(PodManagerStatus.class);
            assertFalse("the modbus driver is not installed before the pod", hasBundle(MODBUS_BUNDLE));

            store.put(featurePod("modbus-protocol", "uid-modbus-protocol", "Always", "karedge-protocol-modbus"), "local");
            long put = System.nanoTime();
            awaitPod(pods, "modbus-protocol", "the modbus pod runs", () -> "Running".equals(display(pods, "modbus-protocol")));
            System.out.println("karaf-feature pod: put to Running " + (System.nanoTime() - put) / 1_000_000 + " ms");
            PodInfo running = pods.pod(NS, "modbus-protocol").orElseThrow();
            assertEquals("Running", running.phase());
            assertEquals(1, running.ready());
            assertEquals("karaf-feature", running.runtimeClass());
            assertEquals("itest-node", running.nodeName());
            assertEquals(Bundle.ACTIVE, bundle(MODBUS_BUNDLE).getState());
            JsonNode container = running.status().path("containerStatuses").get(0);
            assertTrue(container.toString(), container.path("state").has("running"));
            assertTrue(container.toString(), container.path("containerID").asText().startsWith("karaf-feature://"));

            String table = execute("edge:pods");
            assertTrue(table, table.contains("NAME") && table.contains("READY") && table.contains("NODE"));
            String row = line(table, "modbus-protocol");
            assertTrue(table, row.contains("1/1") && row.contains("Running") && row.contains("itest-node"));
            assertTrue(execute("edge:pods -A"), line(execute("edge:pods -A"), "modbus-protocol").startsWith(NS));
            String log = execute("edge:logs modbus-protocol");
            assertTrue(log, log.contains("karedge-protocol-modbus") && log.contains("mvn:io.karedge/karedge-features/"));

            JsonNode rest = httpJson("/api/v1/namespaces/default/pods/modbus-protocol/status");
            assertEquals(rest.toString(), "Running", rest.path("status").path("phase").asText());
            assertEquals("karaf-feature", rest.path("spec").path("runtimeClassName").asText());
            String restLog = httpText("/api/v1/namespaces/default/pods/modbus-protocol/log");
            assertTrue(restLog, restLog.contains("karedge-protocol-modbus"));

            // the deployment the pod asked for is a finished task of the node's progress tracker
            List<TaskProgress> tasks = service(ProgressTracker.class).tasks();
            assertTrue(tasks.toString(), tasks.stream().anyMatch(t -> ProgressTracker.FEATURE_INSTALL.equals(t.kind())
                    && t.state() == TaskState.SUCCEEDED && t.message().contains("karedge-protocol-modbus/")));
            String progress = execute("edge:progress -a");
            assertTrue(progress, line(progress, "feature-install").contains("SUCCEEDED"));

            // a feature that does not exist: the pod fails with the resolver's message, the other pod goes on
            store.put(featurePod("broken", "uid-broken", "Never", MISSING_FEATURE), "local");
            awaitPod(pods, "broken", "the broken pod fails", () -> "Failed".equals(phase(pods, "broken")));
            PodInfo broken = pods.pod(NS, "broken").orElseThrow();
            JsonNode terminated = broken.status().path("containerStatuses").get(0).path("state").path("terminated");
            assertEquals(broken.status().toString(), 1, terminated.path("exitCode").asInt());
            assertTrue(broken.status().toString(), terminated.path("message").asText().contains(MISSING_FEATURE));
            assertTrue(execute("edge:pods"), line(execute("edge:pods"), "broken").contains("Error"));
            assertEquals("Running", display(pods, "modbus-protocol"));
            assertEquals(Bundle.ACTIVE, bundle(MODBUS_BUNDLE).getState());

            // deleting the pod uninstalls the feature it installed
            store.delete(ObjectKey.of("Pod", NS, "modbus-protocol"));
            await("the modbus pod is gone", WAIT, () -> pods.pod(NS, "modbus-protocol").isEmpty());
            await("the modbus bundle is uninstalled", WAIT, () -> !hasBundle(MODBUS_BUNDLE));
            FeaturesService features = service(FeaturesService.class);
            Feature modbus = features.getFeature("karedge-protocol-modbus");
            assertFalse("feature still installed", features.isInstalled(modbus));
            assertEquals("Failed", phase(pods, "broken"));
            assertFalse(execute("edge:pods").contains("modbus-protocol"));

            store.delete(ObjectKey.of("Pod", NS, "broken"));
            await("the broken pod is gone", WAIT, () -> pods.pod(NS, "broken").isEmpty());
            assertTrue(pods.pods().isEmpty());
        }

        /** Waits like {@code await}, failing with what the pod manager knows of the pod. */
        void awaitPod(PodManagerStatus pods, String name, String what, java.util.function.BooleanSupplier condition)
                throws InterruptedException {
            try {
                await(what, WAIT, condition);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; pod: " + pods.pod(NS, name).map(PodInfo::toString)
                        .orElse("<unknown>"), e);
            }
        }

        static String display(PodManagerStatus pods, String name) {
            return pods.pod(NS, name).map(PodInfo::display).orElse(null);
        }

        static String phase(PodManagerStatus pods, String name) {
            return pods.pod(NS, name).map(PodInfo::phase).orElse(null);
        }
    }

    /** Installs the pod manager and the feature runtime offline; refreshes shell and REST to wire their optional import. */
    private void installPodFeatures() throws Exception {
        installFeature("karedge-pod-manager");
        installFeature("karedge-runtime-feature");
        List<Bundle> refresh = List.of(bundle("io.karedge.shell"), bundle("io.karedge.rest"));
        CountDownLatch refreshed = new CountDownLatch(1);
        FrameworkListener listener = event -> refreshed.countDown();
        bundleContext.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(refresh, listener);
        assertTrue("refresh of shell and REST", refreshed.await(60, TimeUnit.SECONDS));
        await("shell and REST active", WAIT, () -> bundle("io.karedge.shell").getState() == Bundle.ACTIVE
                && bundle("io.karedge.rest").getState() == Bundle.ACTIVE);
        assertEquals(Bundle.ACTIVE, bundle("io.karedge.pod.manager").getState());
        assertEquals(Bundle.ACTIVE, bundle("io.karedge.runtime.feature").getState());
    }

    /**
     * Installs one feature. Karaf re-creates its features service whenever a service it depends on (Config Admin,
     * the mvn: URL handler) is registered again late in the boot; a call that reaches the old instance is
     * rejected by its stopped executor, so it is repeated on the new one.
     */
    private void installFeature(String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                service(FeaturesService.class).installFeature(name,
                        EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                if (attempt == 5) {
                    throw e;
                }
                System.out.println("features service restarting, installing " + name + " again: " + e);
                Thread.sleep(500);
            }
        }
    }

    private static ObjectNode featurePod(String name, String uid, String restartPolicy, String feature) {
        ObjectNode pod = KaredgeJson.mapper().createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", NS).put("uid", uid)
                .put("creationTimestamp", Instant.now().toString());
        ObjectNode spec = pod.putObject("spec");
        spec.put("nodeName", "itest-node").put("runtimeClassName", "karaf-feature").put("restartPolicy", restartPolicy);
        ObjectNode container = spec.putArray("containers").addObject();
        container.put("name", "driver");
        container.put("image", "mvn:io.karedge/karedge-features/" + System.getProperty("project.version")
                + "/xml/features");
        container.putArray("args").add(feature);
        return pod;
    }

    private boolean hasBundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }

    private static String line(String text, String containing) {
        Optional<String> line = text.lines().filter(l -> l.contains(containing)).findFirst();
        return line.orElseThrow(() -> new AssertionError("no line with " + containing + " in:\n" + text));
    }

    private static String httpText(String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + httpPort() + path)
                    .openConnection();
            connection.setRequestProperty("Authorization", bearer());
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(10_000);
            try {
                int code = connection.getResponseCode();
                if (code == 200) {
                    try (InputStream in = connection.getInputStream()) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("GET " + path + ": HTTP " + code);
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            } finally {
                connection.disconnect();
            }
            Thread.sleep(200); // the resources come up once the whiteboard has the refreshed bundle's components
        }
    }

    private static JsonNode httpJson(String path) throws IOException, InterruptedException {
        return KaredgeJson.mapper().readTree(httpText(path));
    }
}
