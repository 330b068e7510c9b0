package io.karedge.eventbus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with independent MQTT implementations: Debian's mosquitto clients against the
 * embedded broker, and the external mode against a real mosquitto broker. Skipped when the binaries
 * are not installed ({@code apt-get install mosquitto mosquitto-clients}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MosquittoInteropTest {

    private static final String UPDATE = "$hw/events/device/plant/thermo/twin/update";

    private final FakeTwinEngine engine = new FakeTwinEngine();
    private final BusMetrics metrics = new BusMetrics();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final List<Process> processes = new ArrayList<>();
    private Bus bus;

    @TempDir
    Path directory;

    @AfterEach
    void stop() {
        if (bus != null) {
            bus.close();
        }
        processes.forEach(Process::destroyForcibly);
        executor.shutdownNow();
    }

    @Test
    void mosquittoClientsAgainstTheEmbeddedBroker() throws Exception {
        assumeTrue(installed("mosquitto_pub") && installed("mosquitto_sub"), "mosquitto-clients not installed");
        BusDispatcher dispatcher = new BusDispatcher(engine, true, () -> null, executor, metrics);
        EmbeddedBus embedded = new EmbeddedBus(BrokerSettings.loopback(0), BrokerAccess.anonymous(), SessionSettings.inMemory(), 1, dispatcher, metrics);
        bus = embedded;
        dispatcher.publishTo(embedded);
        embedded.start();
        String port = Integer.toString(embedded.port());

        Path received = directory.resolve("sub.out");
        Process sub = start(received, "mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-q", "1", "-v", "-C", "2",
                "-W", "30", "-t", UPDATE + "/result", "-t", "$hw/events/device/plant/thermo/twin/update/document");
        await().atMost(Duration.ofSeconds(10)).until(() -> embedded.connectedClients() == 1);
        Thread.sleep(300);

        engine.hold = true;
        Process pub = start(directory.resolve("pub.out"), "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-q", "1",
                "-t", UPDATE, "-m", "{\"event_id\":\"mosq-1\",\"twin\":{}}");
        FakeTwinEngine.Held held = engine.nextHeld();
        // mosquitto_pub waits for the PUBACK before it exits: it must still be running
        assertThat(pub.waitFor(700, TimeUnit.MILLISECONDS)).isFalse();
        held.complete();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).isZero();

        ObjectNode document = FakeTwinEngine.MAPPER.createObjectNode().put("event_id", "doc-1");
        dispatcher.twinChanged(new TwinChange("plant/thermo", TwinOrigin.MQTT, Map.of(), null,
                List.of(new TwinPublication("$hw/events/device/plant/thermo/twin/update/document", document))));

        assertThat(sub.waitFor(15, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Files.readAllLines(received, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith(UPDATE + "/result ").contains("\"event_id\":\"mosq-1\"");
        assertThat(lines.get(1)).startsWith("$hw/events/device/plant/thermo/twin/update/document ").contains("doc-1");
    }

    @Test
    void externalModeAgainstARealMosquittoBrokerIncludingReconnect() throws Exception {
        assumeTrue(installed("mosquitto") && installed("mosquitto_sub"), "mosquitto not installed");
        int port = freePort();
        Process broker = startBroker(port);

        BusDispatcher dispatcher = new BusDispatcher(engine, true, () -> null, executor, metrics);
        ExternalConnection external = new ExternalConnection(new ExternalSettings("tcp://127.0.0.1:" + port,
                "karedge-test", "", "", "", "", "", false, TopicParser.subscriptionFilters(true)), dispatcher, metrics);
        bus = external;
        dispatcher.publishTo(external);
        external.start();
        await().atMost(Duration.ofSeconds(10)).until(external::connected);

        try (PahoClient app = new PahoClient("tcp://127.0.0.1:" + port, "app")) {
            app.subscribe("$hw/events/device/+/twin/update/result", 1);
            app.subscribe(UPDATE + "/result", 1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                app.publish(UPDATE, "{\"event_id\":\"ext-1\"}".getBytes(StandardCharsets.UTF_8), 1)
                        .waitForCompletion(5000);
                PahoClient.Received result = app.poll(500);
                assertThat(result).isNotNull();
                assertThat(result.topic()).isEqualTo(UPDATE + "/result");
                assertThat(result.text()).contains("ext-1");
            });
            app.publish("$hw/events/device/thermo/twin/update", "{\"event_id\":\"legacy\"}".getBytes(StandardCharsets.UTF_8), 1);
            PahoClient.Received legacy = app.next();
            while (!legacy.topic().equals("$hw/events/device/thermo/twin/update/result")) {
                legacy = app.next();
            }
            assertThat(legacy.text()).contains("legacy");
        }
        assertThat(engine.requests).anyMatch(request -> request.target().equals("default/thermo"));

        broker.destroy();
        assertThat(broker.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !external.connected());
        startBroker(port);
        await().atMost(Duration.ofSeconds(30)).until(external::connected);

        Path received = directory.resolve("after.out");
        Process sub = start(received, "mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1",
                "-C", "1", "-W", "20", "-t", "$hw/events/device/plant/thermo/twin/get/result");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            run("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1",
                    "-t", "$hw/events/device/plant/thermo/twin/get", "-m", "{\"event_id\":\"again\"}");
            assertThat(sub.waitFor(500, TimeUnit.MILLISECONDS)).isTrue();
        });
        assertThat(Files.readString(received)).contains("again");
    }

    private Process startBroker(int port) throws IOException {
        Path config = directory.resolve("mosquitto-" + port + ".conf");
        Files.writeString(config, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Process broker = start(directory.resolve("mosquitto.log"), "mosquitto", "-c", config.toString());
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
        return broker;
    }

    private Process start(Path output, String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        processes.add(process);
        return process;
    }

    private void run(String... command) throws Exception {
        Process process = start(directory.resolve("run.out"), command);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static boolean installed(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", binary)) || Files.isExecutable(Path.of("/usr/bin", binary));
    }
}
