package io.karedge.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Properties;
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

            String refused = execute("edge:join --server " + server + " --token not-a-token");
            assertTrue(refused, refused.contains("4 dot-separated parts"));
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
            String shown = execute("edge:cloud");
            assertTrue(shown, shown.contains("Node:            itest-joined"));
            assertTrue(shown, shown.contains("expires "));
            JsonNode rest = KaredgeJson.mapper().readTree(get("http://127.0.0.1:" + httpPort() + "/api/v1/cloud"));
            assertEquals(rest.toString(), "CONNECTED", rest.path("state").asText());
            assertEquals(rest.toString(), server, rest.path("server").asText());
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
            JsonNode afterLeave = KaredgeJson.mapper().readTree(get("http://127.0.0.1:" + httpPort()
                    + "/api/v1/cloud"));
            assertEquals(afterLeave.toString(), "DISABLED", afterLeave.path("state").asText());
        } finally {
            cloud.destroyForcibly();
            cloud.waitFor(10, TimeUnit.SECONDS);
        }
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
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
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
