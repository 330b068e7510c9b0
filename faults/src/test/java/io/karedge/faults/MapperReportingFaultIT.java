package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.dmi.internal.MapperDouble;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A mapper that behaves like KubeEdge's mapper-framework ({@link MapperDouble}: real gRPC over the node's DMI unix
 * socket, a new connection per report, its own socket opened after registering) serves one device of the built
 * distribution for about half a minute. A desired value set through REST reaches it as {@code UpdateDevice} and
 * becomes the device's value; the mapper's reports never take it back; the node's log ({@code
 * data/log/karaf.log}) holds no WARN or ERROR line that repeats, neither from the boot nor from steady reporting;
 * and after a restart of the node (the mapper keeps running) the device keeps the edge value, never the
 * manifest's.
 */
class MapperReportingFaultIT {

    private static final String DEVICE = "random-01";
    private static final String ID = "default/" + DEVICE;
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration STEADY = Duration.ofSeconds(20);

    private KaredgeNode node;
    private MapperDouble mapper;
    private Path sockets;

    @AfterEach
    void stop() throws Exception {
        if (mapper != null) {
            mapper.close();
        }
        if (node != null) {
            node.close();
        }
        if (sockets != null) {
            KaredgeNode.deleteTree(sockets);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aDesiredValueReachesTheMapperAndSteadyReportingLogsNothingRepeated() throws Exception {
        node = KaredgeNode.create("mapper-reporting");
        // unix socket paths are short (108 bytes): the node's DMI socket and the mapper's live in /tmp
        sockets = Files.createTempDirectory(Path.of("/tmp"), "karedge-dmi-");
        Path dmiSocket = sockets.resolve("dmi.sock");
        node.configure("io.karedge.dmi", "socket.path", dmiSocket.toString());
        bootWithDmi();
        Files.writeString(node.manifests().resolve("random-01.yaml"), MANIFEST, StandardCharsets.UTF_8);
        node.start();
        await().atMost(SETTLE).until(() -> Files.exists(dmiSocket));

        mapper = new MapperDouble(dmiSocket, sockets.resolve("random.sock"), "random", 1000);
        List<String> devices = await().atMost(SETTLE).ignoreExceptions().until(mapper::start, d -> d.contains(ID));
        assertThat(devices).containsExactly(ID);
        assertThat(mapper.held(ID, "temperature")).isEqualTo("17");
        await().atMost(SETTLE).until(() -> "17".equals(actual()));

        int status = new NodeRest(node).putDesired(DEVICE, "temperature", "23");
        assertThat(status).as("PUT of the desired value").isEqualTo(200);
        await().atMost(SETTLE).until(() -> mapper.updatesOf("temperature").contains("23"));
        await().atMost(SETTLE).until(() -> "23".equals(mapper.deviceValue(ID, "temperature")) && "23".equals(actual()));
        assertThat(new NodeRest(node).putDesired(DEVICE, "temperature", "99")).as("above the model's maximum")
                .isEqualTo(400);

        long steadyFrom = Files.readAllLines(node.karafLog()).size();
        int reportsBefore = mapper.reports();
        long start = System.nanoTime();
        while (System.nanoTime() - start < STEADY.toNanos()) {
            assertThat(expected()).as("the mapper's reports never take the desired value back").isEqualTo("23");
            Thread.sleep(1000);
        }
        int reports = mapper.reports() - reportsBefore;
        assertThat(reports).as("the mapper reported all along").isGreaterThanOrEqualTo(10);
        assertThat(mapper.deviceValue(ID, "temperature")).isEqualTo("23");
        assertThat(mapper.updatesOf("temperature")).as("never sent a refused value").doesNotContain("99");
        assertThat(mapper.violations()).isEmpty();

        List<String> log = Files.readAllLines(node.karafLog());
        List<String> steady = log.subList((int) Math.min(steadyFrom, log.size()), log.size());
        Map<String, Long> repeatedSteady = repeatedWarnings(steady);
        Map<String, Long> repeatedAll = repeatedWarnings(log);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("reports", reports);
        figures.put("steadyLogLines", steady.size());
        figures.put("steadyWarnOrError", steady.stream().filter(MapperReportingFaultIT::warnOrError).count());
        figures.put("logLines", log.size());
        FaultReport.line("mapper-reporting", "a framework mapper reporting one device every second for "
                + STEADY.toSeconds() + " s, one REST desired value", "1 PUT", 0, figures);
        assertThat(repeatedSteady).as("WARN/ERROR lines repeated while the mapper reports").isEmpty();
        assertThat(repeatedAll).as("WARN/ERROR lines repeated in the whole log (boot included)").isEmpty();

        // the node restarts while the mapper keeps running: the edge value stays, the manifest's 17 never returns
        int updates = mapper.updatesOf("temperature").size();
        node.stop();
        node.start();
        int reportsAfter = mapper.reports();
        await().atMost(SETTLE).until(() -> mapper.reports() >= reportsAfter + 5 && "23".equals(expected()));
        assertThat(mapper.updatesOf("temperature").subList(updates, mapper.updatesOf("temperature").size()))
                .as("UpdateDevice after the restart").doesNotContain("17");
        assertThat(mapper.held(ID, "temperature")).isEqualTo("23");
        assertThat(mapper.deviceValue(ID, "temperature")).isEqualTo("23");
        await().atMost(SETTLE).until(() -> "23".equals(actual()));
    }

    /** karedge-dmi among the boot features, as an operator adds it to etc/org.apache.karaf.features.cfg. */
    private void bootWithDmi() throws IOException {
        Path features = node.etc().resolve("org.apache.karaf.features.cfg");
        String text = Files.readString(features, StandardCharsets.UTF_8);
        int core = text.indexOf("karedge-core");
        assertThat(core).as("karedge-core is a boot feature").isPositive();
        Files.writeString(features, text.substring(0, core) + "karedge-dmi, " + text.substring(core),
                StandardCharsets.UTF_8);
    }

    /** WARN and ERROR lines with digits blanked (times, ports, counts), those seen more than once. */
    private static Map<String, Long> repeatedWarnings(List<String> lines) {
        return lines.stream().filter(MapperReportingFaultIT::warnOrError)
                .map(line -> line.replaceFirst("^.*?\\|\\s*(WARN|ERROR)", "$1").replaceAll("\\d+", "N"))
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    private static boolean warnOrError(String line) {
        return line.contains("| WARN ") || line.contains("| ERROR ") || line.contains("|WARN") || line.contains("|ERROR");
    }

    private String actual() {
        return twinValue("actual");
    }

    private String expected() {
        return twinValue("expected");
    }

    private String twinValue(String which) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(node.request(NodeRest.twinPath(DEVICE))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            JsonNode value = TwinMqtt.JSON.readTree(response.body()).path("twins").path("temperature").path(which)
                    .path("value");
            return value.isMissingNode() || value.isNull() ? null : value.asText();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static final String MANIFEST = """
            apiVersion: devices.kubeedge.io/v1beta1
            kind: DeviceModel
            metadata: {name: random-model, namespace: default}
            spec:
              protocol: random
              properties:
                - {name: temperature, type: INT, accessMode: ReadWrite, minimum: "5", maximum: "30"}
            ---
            apiVersion: devices.kubeedge.io/v1beta1
            kind: Device
            metadata: {name: random-01, namespace: default}
            spec:
              deviceModelRef: {name: random-model}
              protocol: {protocolName: random, configData: {seed: 7}}
              properties:
                - name: temperature
                  desired: {value: "17", metadata: {type: int}}
                  collectCycle: 1000
                  reportCycle: 1000
                  reportToCloud: true
                  visitors: {protocolName: random, configData: {min: 0, max: 100}}
            """;
}
