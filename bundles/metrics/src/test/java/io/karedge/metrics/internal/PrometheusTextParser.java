package io.karedge.metrics.internal;

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
 * Parses an exposition with the reference parser of the Prometheus Python client (Debian's
 * python3-prometheus-client), run as a separate process: a document it refuses fails the test. The tests
 * using it are skipped when that package is not installed.
 */
final class PrometheusTextParser {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = String.join("\n",
            "import sys, json",
            "from prometheus_client.parser import text_string_to_metric_families as prometheus",
            "from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics",
            "parse = openmetrics if sys.argv[1] == 'openmetrics' else prometheus",
            "out = []",
            "for family in parse(sys.stdin.read()):",
            "    for s in family.samples:",
            "        out.append({'family': family.name, 'type': family.type, 'unit': family.unit,",
            "                    'name': s.name, 'labels': s.labels, 'value': s.value})",
            "json.dump(out, sys.stdout)");

    record Sample(String family, String type, String unit, String name, Map<String, String> labels, double value) {
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

    /** @param format {@code prometheus} (text 0.0.4) or {@code openmetrics} */
    static List<Sample> parse(String text, String format) throws Exception {
        Process process = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, format).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("parser refused the document: %s%n%s", err, text).isZero();
        List<Sample> samples = new ArrayList<>();
        for (JsonNode node : new ObjectMapper().readTree(out)) {
            Map<String, String> labels = new TreeMap<>();
            node.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(node.get("family").asText(), node.get("type").asText(), node.get("unit").asText(),
                    node.get("name").asText(), labels, node.get("value").asDouble()));
        }
        return samples;
    }

    private PrometheusTextParser() {
    }
}
