package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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

/**
 * A node from the built distribution joins a CloudHub double and reaches Ready. The double
 * ({@code io.karedge.cloud.bridge.internal.CloudHubDoubleMain} from the bridge's test jar) runs as a process of
 * its own on free 127.0.0.1 ports; it writes its addresses and a join token to a file and answers what it has
 * seen on a small HTTP endpoint. The test installs {@code karedge-cloud-bridge} offline, joins with
 * {@code edge:join}, waits for {@code CONNECTED}, the Node registration and a node status whose Ready condition
 * is True, then leaves with {@code edge:leave}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CloudJoinIT extends KaredgeTestSupport {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final String CLASSPATH = "karedge.cloud.double.classpath";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Configuration
    public Option[] config() {
        String classpath = System.getProperty(CLASSPATH);
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalStateException("system property " + CLASSPATH + " is not set (run through Maven)");
        }
        return baseConfiguration(systemProperty(CLASSPATH).value(classpath));
    }

    @Test
    public void aNodeJoinsTheCloudReachesReadyAndLeaves() throws Exception {
        Path work = Files.createTempDirectory("karedge-cloud-double");
        Path addresses = work.resolve("double.properties");
        Process cloud = startDouble(work, addresses);
        try {
            await("the CloudHub double listens", Duration.ofSeconds(30),
                    () -> Files.exists(addresses) || !cloud.isAlive());
            assertTrue("the double exited: " + read(work.resolve("double.log")), cloud.isAlive());
            Properties double_ = new Properties();
            try (InputStream in = Files.newInputStream(addresses)) {
                double_.load(in);
            }
            String server = double_.getProperty("server");
            String certServer = double_.getProperty("cert.server");
            String admin = double_.getProperty("admin");
            assertTrue(server, server.startsWith("127.0.0.1:") && certServer.startsWith("127.0.0.1:"));

            FeaturesService features = service(FeaturesService.class);
            features.installFeature("karedge-cloud-bridge", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
            await("bridge bundle active", BOOT, () -> bundle("io.karedge.cloud.bridge").getState() == Bundle.ACTIVE);
            await("edge:cloud available", Duration.ofSeconds(30), () -> quietly("edge:cloud").contains("State:"));
            String before = execute("edge:cloud");
            assertTrue(before, before.contains("DISABLED"));

            // a refusal is a command failure: bin/client exits 1 and shows it
            String refused = quietly("edge:join --server " + server + " --token not-a-token");
            assertTrue(refused, refused.contains("CommandException") && refused.contains("4 dot-separated parts"));
            assertTrue(execute("edge:cloud").contains("DISABLED"));

            // a join under another name: that name becomes the node's identity until edge:leave
            String joined = execute("edge:join --server " + server + " --cert-server " + certServer + " --token "
                    + double_.getProperty("token") + " --node-name itest-joined");
            assertTrue(joined, joined.contains("Joining " + server + " as node itest-joined"));
            await("link CONNECTED", Duration.ofSeconds(30), () -> quietly("edge:cloud").contains("CONNECTED"));
            await("node registered and Ready=True in the double", Duration.ofSeconds(30), () -> {
                JsonNode seen = cloudStatus(admin);
                return seen != null && "itest-joined".equals(seen.path("registered").asText(null))
                        && "True".equals(seen.path("ready").asText(null));
            });
            await("the cloud watch feed accepted and listed", Duration.ofSeconds(30),
                    () -> quietly("edge:cloud").contains("Watch nodes:     accepted; listed "));
            String shown = execute("edge:cloud");
            assertTrue(shown, shown.contains("Node:            itest-joined"));
            assertTrue(shown, shown.contains("Watch services:  accepted; listed "));
            assertTrue(shown, shown.contains("expires "));
            JsonNode rest = KaredgeJson.mapper().readTree(get("http://127.0.0.1:" + httpPort() + "/api/v1/cloud"));
            assertEquals(rest.toString(), "CONNECTED", rest.path("state").asText());
            assertEquals(rest.toString(), server, rest.path("server").asText());
            assertEquals(rest.toString(), 3, rest.path("cloudWatch").size());
            assertEquals(rest.toString(), "services", rest.path("cloudWatch").path(0).path("resource").asText());
            assertEquals(rest.toString(), "ACCEPTED", rest.path("cloudWatch").path(0).path("state").asText());
            await("edge:status under the joined name", Duration.ofSeconds(30),
                    () -> quietly("edge:status").contains("itest-joined"));
            String status = execute("edge:status");
            assertTrue(status, status.toLowerCase().contains("cloud"));
            JsonNode seen = cloudStatus(admin);
            assertEquals(seen.toString(), 0, seen.path("invalidFrames").asInt(-1));
            assertEquals(seen.toString(), 0, seen.path("cloudCoreLog").size());
            System.out.println("CloudJoinIT: the double saw " + seen);

            String left = execute("edge:leave");
            assertTrue(left, left.contains("Left the cloud"));
            assertTrue(left, left.contains("no longer known as itest-joined"));
            await("edge:status under the node's own name again", Duration.ofSeconds(30),
                    () -> quietly("edge:status").contains("itest-node"));
            await("link DISABLED", Duration.ofSeconds(30), () -> quietly("edge:cloud").contains("DISABLED"));
            await("session closed", Duration.ofSeconds(15), () -> {
                JsonNode now = cloudStatus(admin);
                return now != null && now.path("sessions").asInt(-1) == 0;
            });
            // the REST resource follows once SCR has applied the removed configuration to every component that
            // reads it (the node's name too) and the JAX-RS whiteboard has settled: briefly a 404 or a restart
            await("REST says DISABLED", Duration.ofSeconds(30), () -> "DISABLED".equals(linkState()));
        } finally {
            cloud.destroyForcibly();
            cloud.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void kubectlGetsAndWatchesTheNodeThroughACloudOutage() throws Exception {
        String kubectl = kubectl();
        assumeTrue("kubectl is not on the PATH", kubectl != null);
        Path work = Files.createTempDirectory("karedge-cloud-outage");
        Path addresses = work.resolve("double.properties");
        Process cloud = startDouble(work, addresses);
        Process watch = null;
        try {
            await("the CloudHub double listens", Duration.ofSeconds(30),
                    () -> Files.exists(addresses) || !cloud.isAlive());
            Properties double_ = new Properties();
            try (InputStream in = Files.newInputStream(addresses)) {
                double_.load(in);
            }
            FeaturesService features = service(FeaturesService.class);
            features.installFeature("karedge-cloud-bridge", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
            features.installFeature("karedge-kube-api", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
            await("bridge and local API active", BOOT, () -> bundle("io.karedge.cloud.bridge").getState() == Bundle.ACTIVE
                    && bundle("io.karedge.kube.api").getState() == Bundle.ACTIVE);
            await("edge:join available", Duration.ofSeconds(30), () -> quietly("edge:cloud").contains("State:"));
            execute("edge:join --server " + double_.getProperty("server") + " --cert-server "
                    + double_.getProperty("cert.server") + " --token " + double_.getProperty("token") + " --no-wait");
            await("link CONNECTED", Duration.ofSeconds(30), () -> "CONNECTED".equals(linkState()));

            // CloudCore's edgecontroller sends a ConfigMap down; kubectl finds it on the node's local API
            String pushed = post("http://" + double_.getProperty("admin")
                    + "/push?operation=insert&resource=default/configmap/from-cloud", "{\"apiVersion\":\"v1\","
                    + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"from-cloud\",\"namespace\":\"default\","
                    + "\"uid\":\"uid-from-cloud\",\"resourceVersion\":\"7\"},\"data\":{\"mode\":\"eco\"}}");
            assertTrue(pushed, !pushed.isBlank());
            await("kubectl gets the cloud's ConfigMap", Duration.ofSeconds(30),
                    () -> kubectl(kubectl, "get", "configmap", "from-cloud", "-n", "default").contains("from-cloud"));

            BlockingQueue<String> watched = new LinkedBlockingQueue<>();
            watch = new ProcessBuilder(kubectl, "--kubeconfig", kubeconfig(), "get", "configmaps",
                    "-A", "--watch").redirectErrorStream(true).start();
            Process watching = watch;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(watching.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        watched.add(line);
                    }
                } catch (IOException e) {
                    // kubectl ended
                }
            }, "kubectl-watch");
            reader.setDaemon(true);
            reader.start();
            assertTrue("the watch lists the cloud's ConfigMap first", nextLineWith(watched, "from-cloud") != null);

            // the cloud goes away: the link drops, kubectl keeps getting and watching the node
            cloud.destroyForcibly();
            assertTrue(cloud.waitFor(10, TimeUnit.SECONDS));
            await("link no longer CONNECTED", Duration.ofSeconds(30), () -> !"CONNECTED".equals(linkState()));
            String during = kubectl(kubectl, "get", "configmaps,devices", "-A");
            assertTrue(during, during.contains("from-cloud") && during.contains("thermometer-01"));
            ObjectNode local = KaredgeJson.mapper().createObjectNode();
            local.put("apiVersion", "v1").put("kind", "ConfigMap");
            local.putObject("metadata").put("name", "made-offline").put("namespace", "default");
            local.putObject("data").put("written", "while the cloud was down");
            service(MetaStore.class).put(local, "local");
            assertTrue("the watch shows a change made during the outage",
                    nextLineWith(watched, "made-offline") != null);
            assertTrue(watch.isAlive());
            System.out.println("CloudJoinIT: kubectl watched through the outage: " + List.copyOf(watched));
        } finally {
            if (watch != null) {
                watch.destroy();
            }
            cloud.destroyForcibly();
            cloud.waitFor(10, TimeUnit.SECONDS);
            quietly("edge:leave");
        }
    }

    private static String nextLineWith(BlockingQueue<String> lines, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        return null;
    }

    private String linkState() {
        try {
            return KaredgeJson.mapper().readTree(get("http://127.0.0.1:" + httpPort() + "/api/v1/cloud"))
                    .path("state").asText();
        } catch (Exception | AssertionError e) {
            return e.toString();
        }
    }

    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** What kubectl printed (stdout and stderr) for one command against the node's local API. */
    private static String kubectl(String kubectl, String... arguments) {
        List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig(),
                "--request-timeout=10s"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "kubectl did not finish: " + out;
            }
            return process.exitValue() == 0 ? out : "exit " + process.exitValue() + ": " + out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private String post(String url, String body) throws Exception {
        HttpResponse<String> response = http.send(authorized(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(url + ": " + response.body(), 200, response.statusCode());
        return response.body();
    }

    /** Starts the double as a separate JVM; it ends by itself after two minutes or when its stdin closes. */
    private static Process startDouble(Path work, Path addresses) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty(CLASSPATH),
                "io.karedge.cloud.bridge.internal.CloudHubDoubleMain", addresses.toString(), "120")
                .redirectErrorStream(true).redirectOutput(work.resolve("double.log").toFile()).start();
    }

    private JsonNode cloudStatus(String admin) {
        try {
            return KaredgeJson.mapper().readTree(get("http://" + admin + "/status"));
        } catch (Exception e) {
            return null;
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(authorized(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(url + ": " + response.body(), 200, response.statusCode());
        return response.body();
    }

    /** A shell command's output, or the error text while the command is not there yet. */
    private String quietly(String command) {
        try {
            return execute(command);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
