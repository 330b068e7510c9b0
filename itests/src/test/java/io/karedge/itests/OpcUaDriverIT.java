package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinRecord;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.PropertyInfo;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.features.FeaturesService;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * One boot: the OPC UA driver installed, updated, stopped and uninstalled at run time while a device on a
 * node-opcua server (the test server of device-protocols/opcua, started here) is bound to it. The device goes
 * PAUSED and comes back ONLINE with its twin kept, and its desired value is on the server. While it runs,
 * {@code edge:discover opcua} and the REST scan list the server's variables.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OpcUaDriverIT extends KaredgeTestSupport {

    private static final String ID = "default/opc-line-1";
    private static final String BUNDLE = "io.karedge.protocol.opcua";
    private static final Duration BACK = Duration.ofSeconds(60);

    @Configuration
    public Option[] config() {
        String home = System.getenv("KAREDGE_NODE_OPCUA");
        return baseConfiguration(
                CoreOptions.systemProperty("karedge.itest.node.opcua").value(home == null ? "" : home),
                CoreOptions.systemProperty("karedge.itest.opcua.script")
                        .value(System.getProperty("karedge.opcua.script", "")));
    }

    @Test
    public void theDriverInstallsUpdatesAndUninstallsWhileItsDeviceKeepsItsTwin() throws Exception {
        Path modules = Path.of(System.getProperty("karedge.itest.node.opcua", ""), "node_modules");
        Assume.assumeTrue("node-opcua not found in " + modules + " (run-tests.sh installs it and sets "
                + "KAREDGE_NODE_OPCUA)", Files.isDirectory(modules.resolve("node-opcua")));
        int port = freePort();
        Process server = startServer(modules, port);
        try {
            MetaStore store = service(MetaStore.class);
            store.put(model(), "local");
            store.put(device(port), "local");
            await("device waits for its driver", BACK, () -> state() == DeviceRunState.NO_DRIVER);

            FeaturesService features = service(FeaturesService.class);
            long installing = System.nanoTime();
            features.installFeature("karedge-protocol-opcua", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
            await("device online on the OPC UA driver", BACK, () -> state() == DeviceRunState.ONLINE
                    && value("ramp").isPresent());
            System.out.println("karedge-protocol-opcua: install to device online with a value "
                    + (System.nanoTime() - installing) / 1_000_000 + " ms");
            await("desired setpoint written", BACK, () -> "ok".equals(property("setpoint").map(PropertyInfo::writeResult).orElse(null)));
            await("twin has the actual ramp", BACK, () -> actual("ramp").isPresent());
            // the subscription's first value may be the one from before the write; the change follows it
            await("setpoint reads back as written", BACK, () -> "24.5".equals(value("setpoint").orElse(null)));
            discoveryListsTheServersVariables(port);

            Bundle driver = bundle(BUNDLE);
            long before = Long.parseLong(value("ramp").orElseThrow());
            driver.update();
            await("device online again after the update", BACK, () -> state() == DeviceRunState.ONLINE
                    && value("ramp").map(Long::parseLong).orElse(0L) > before);

            driver.stop();
            await("device paused while the driver is stopped", BACK, () -> state() == DeviceRunState.PAUSED
                    || state() == DeviceRunState.NO_DRIVER);
            assertTrue("twin kept while paused", actual("ramp").isPresent());
            driver.start();
            await("device online again after start", BACK, () -> state() == DeviceRunState.ONLINE);

            features.uninstallFeature("karedge-protocol-opcua", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
            await("device waits again", BACK, () -> state() == DeviceRunState.PAUSED || state() == DeviceRunState.NO_DRIVER);
            assertTrue("twin kept after uninstall", actual("ramp").isPresent());
            assertEquals(DeviceRunState.ONLINE, status().device("default/counter-01").map(DeviceInfo::state).orElse(null));
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The driver browses the server its device uses: through the shell and through REST. */
    private void discoveryListsTheServersVariables(int port) throws Exception {
        String table = execute("edge:discover opcua --timeout 30");
        System.out.println("edge:discover opcua --timeout 30\n" + table);
        assertTrue(table, table.contains("opc.tcp://127.0.0.1:" + port + "/karedge") && table.contains("line1-"));
        String yaml = execute("edge:discover opcua -t 30 -o yaml");
        assertTrue(yaml, yaml.contains("kind: DeviceModel") && yaml.contains("kind: Device")
                && yaml.contains("{name: line1-ramp, type: INT, accessMode: ReadOnly}")
                && yaml.contains("{\"nodeID\":\"ns=2;s=Line1.Ramp\",\"browseName\":\"Ramp\"}")
                && yaml.contains("\"url\":\"opc.tcp://127.0.0.1:" + port + "/karedge\""));
        HttpResponse<String> answer = post("/api/v1/drivers/opcua/discover?timeoutSeconds=30");
        assertEquals(answer.body(), 200, answer.statusCode());
        assertTrue(answer.body(), answer.body().contains("line1-setpoint: nodeID ns=2;s=Line1.Setpoint"));
        assertEquals(404, post("/api/v1/drivers/no-such-protocol/discover").statusCode());
        HttpResponse<String> virtual = post("/api/v1/drivers/virtual/discover");
        assertEquals(virtual.body(), 422, virtual.statusCode());
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return HttpClient.newHttpClient().send(authorized(URI.create("http://127.0.0.1:" + httpPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Process startServer(Path modules, int port) throws Exception {
        File script = new File(System.getProperty("karedge.itest.opcua.script"));
        Path pki = Files.createTempDirectory("opcua-itest-pki");
        ProcessBuilder builder = new ProcessBuilder("node", script.getPath(), Integer.toString(port), pki.toString())
                .redirectErrorStream(true);
        builder.environment().put("NODE_PATH", modules.toString());
        Process process = builder.start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        ready.complete(null);
                    }
                }
            } catch (Exception e) {
                // ended
            }
            ready.completeExceptionally(new IllegalStateException("the node-opcua server ended"));
        }, "itest-node-opcua");
        reader.setDaemon(true);
        reader.start();
        ready.get(90, TimeUnit.SECONDS);
        return process;
    }

    private DeviceManagerStatus status() {
        try {
            return service(DeviceManagerStatus.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private DeviceRunState state() {
        return status().device(ID).map(DeviceInfo::state).orElse(null);
    }

    private Optional<PropertyInfo> property(String name) {
        return status().device(ID).flatMap(d -> d.properties().stream().filter(p -> p.name().equals(name)).findFirst());
    }

    private Optional<String> value(String name) {
        return property(name).map(PropertyInfo::value);
    }

    private Optional<String> actual(String name) {
        try {
            TwinEngine twins = service(TwinEngine.class);
            return twins.device(ID).map(DeviceTwin::twins).map(t -> t.get(name)).map(TwinRecord::twin)
                    .map(t -> t.path("actual").path("value")).filter(v -> v.isTextual()).map(v -> v.asText());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static ObjectNode model() {
        ObjectNode model = KaredgeJson.mapper().createObjectNode();
        model.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "DeviceModel");
        model.putObject("metadata").put("name", "opc-line-model").put("namespace", "default");
        ObjectNode spec = model.putObject("spec");
        spec.put("protocol", "opcua");
        spec.putArray("properties").add(KaredgeJson.mapper().createObjectNode().put("name", "ramp")
                        .put("type", "INT").put("accessMode", "ReadOnly"))
                .add(KaredgeJson.mapper().createObjectNode().put("name", "setpoint").put("type", "DOUBLE")
                        .put("accessMode", "ReadWrite"));
        return model;
    }

    private static ObjectNode device(int port) {
        ObjectNode device = KaredgeJson.mapper().createObjectNode();
        device.put("apiVersion", "devices.kubeedge.io/v1beta1").put("kind", "Device");
        device.putObject("metadata").put("name", "opc-line-1").put("namespace", "default");
        ObjectNode spec = device.putObject("spec");
        spec.putObject("deviceModelRef").put("name", "opc-line-model");
        ObjectNode protocol = spec.putObject("protocol");
        protocol.put("protocolName", "opcua");
        protocol.putObject("configData").put("url", "opc.tcp://127.0.0.1:" + port + "/karedge").put("timeout", 5000);
        var properties = spec.putArray("properties");
        ObjectNode ramp = properties.addObject();
        ramp.put("name", "ramp").put("collectCycle", 200).put("reportCycle", 1000).put("reportToCloud", true);
        ramp.putObject("visitors").put("protocolName", "opcua").putObject("configData").put("nodeID", "ns=2;s=Line1.Ramp");
        ObjectNode setpoint = properties.addObject();
        setpoint.put("name", "setpoint").put("collectCycle", 500).put("reportToCloud", true);
        setpoint.putObject("desired").put("value", "24.5");
        setpoint.putObject("visitors").put("protocolName", "opcua").putObject("configData")
                .put("nodeID", "ns=2;s=Line1.Setpoint");
        return device;
    }
}
