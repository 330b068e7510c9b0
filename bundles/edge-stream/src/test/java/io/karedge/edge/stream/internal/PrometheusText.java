package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads Prometheus text format 0.0.4 with the reference parser of the Prometheus Python client (Debian's
 * python3-prometheus-client, as the metrics bundle's tests use it), in a separate process: a document it
 * refuses fails the test. Tests using it are skipped where the package is not installed.
 */
final class PrometheusText {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = String.join("\n",
            "import sys, json",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = []",
            "for family in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in family.samples:",
            "        out.append({'family': family.name, 'type': family.type, 'help': family.documentation,",
            "                    'name': s.name, 'labels': s.labels, 'value': s.value, 'timestamp': s.timestamp})",
            "json.dump(out, sys.stdout)");

    /** @param timestamp seconds since the epoch, or {@code null} when the sample has none */
    record Sample(String family, String type, String help, String name, Map<String, String> labels, double value,
                  Double timestamp) {
    }

    private PrometheusText() {
    }

    static void assumeAvailable() {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        try {
            Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import prometheus_client")
                    .redirectErrorStream(true).start();
            assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                    "python3-prometheus-client is not installed");
        } catch (IOException e) {
            assumeTrue(false, "python3 does not start: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            assumeTrue(false, "interrupted");
        }
    }

    static List<Sample> parse(String text) throws Exception {
        Process process = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("the parser refused the document: %s%n%s", err, text).isZero();
        List<Sample> samples = new ArrayList<>();
        for (JsonNode node : new ObjectMapper().readTree(out)) {
            Map<String, String> labels = new TreeMap<>();
            node.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            JsonNode timestamp = node.get("timestamp");
            samples.add(new Sample(node.get("family").asText(), node.get("type").asText(), node.get("help").asText(),
                    node.get("name").asText(), labels, node.get("value").asDouble(),
                    timestamp == null || timestamp.isNull() ? null : timestamp.asDouble()));
        }
        return samples;
    }
}
