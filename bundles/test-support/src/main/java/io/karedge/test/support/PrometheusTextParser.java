package io.karedge.test.support;

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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Parses an exposition with the reference parsers of the Prometheus Python client (Debian's
 * python3-prometheus-client), run as a separate process: a document it refuses fails the test with an
 * {@link AssertionError}. Tests check {@link #unavailable()} first and are skipped when it names a reason.
 */
public final class PrometheusTextParser {

    /** Text format 0.0.4. */
    public static final String PROMETHEUS = "prometheus";
    /** OpenMetrics 1.0. */
    public static final String OPENMETRICS = "openmetrics";

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = String.join("\n",
            "import sys, json",
            "from prometheus_client.parser import text_string_to_metric_families as prometheus",
            "from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics",
            "parse = openmetrics if sys.argv[1] == 'openmetrics' else prometheus",
            "out = []",
            "for family in parse(sys.stdin.read()):",
            "    for s in family.samples:",
            "        out.append({'family': family.name, 'type': family.type, 'help': family.documentation,",
            "                    'unit': family.unit, 'name': s.name, 'labels': s.labels, 'value': s.value,",
            "                    'timestamp': s.timestamp})",
            "json.dump(out, sys.stdout, default=float)");

    /**
     * One sample as the parser read it.
     *
     * @param timestamp seconds since the epoch, or {@code null} when the sample has none
     */
    public record Sample(String family, String type, String help, String unit, String name,
                         Map<String, String> labels, double value, Double timestamp) {
    }

    private PrometheusTextParser() {
    }

    /** @return why the parser cannot run here, or empty when it can */
    public static Optional<String> unavailable() {
        if (!Files.isExecutable(PYTHON)) {
            return Optional.of("no " + PYTHON);
        }
        try {
            Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import prometheus_client")
                    .redirectErrorStream(true).start();
            boolean ended = probe.waitFor(30, TimeUnit.SECONDS);
            return ended && probe.exitValue() == 0 ? Optional.empty()
                    : Optional.of("python3-prometheus-client is not installed");
        } catch (IOException e) {
            return Optional.of("python3 does not start: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** @param format {@link #PROMETHEUS} or {@link #OPENMETRICS} */
    public static List<Sample> parse(String text, String format) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, format).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the parser did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("the parser refused the document: " + err + System.lineSeparator() + text);
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode node : new ObjectMapper().readTree(out)) {
            Map<String, String> labels = new TreeMap<>();
            node.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            JsonNode timestamp = node.get("timestamp");
            samples.add(new Sample(node.get("family").asText(), node.get("type").asText(), node.get("help").asText(),
                    node.get("unit").asText(), node.get("name").asText(), labels, node.get("value").asDouble(),
                    timestamp == null || timestamp.isNull() ? null : timestamp.asDouble()));
        }
        return samples;
    }
}
