package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code kubectl top} (through metrics-server) and {@code kubectl logs --timestamps} ask of a pod on a
 * real containerd, sent down the tunnel as CloudCore sends them: {@code METRIC_CONNECT} for the kubelet's
 * {@code /metrics/resource} and {@code /stats/summary}, {@code LOGS_CONNECT} with {@code timestamps=true}.
 * Needs {@code KAREDGE_CRI_SOCKET} (see {@code .ci/containerd.sh start}).
 */
@Timeout(120)
class MetricsAndLogsThroughTunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path data;

    private final List<TunnelMessage> sent = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(100);
    private TunnelOnContainerd edge;
    private TunnelSession session;
    private String pod;

    @BeforeEach
    void start() {
        pod = "ticker-" + System.nanoTime() % 100_000;
        edge = TunnelOnContainerd.start(data, sent::add, pod, "command: [sh, -c, 'i=0; while true; do "
                + "echo \"tick $i\"; i=$((i+1)); j=0; while [ $j -lt 2000 ]; do j=$((j+1)); done; sleep 1; done']");
        session = edge.session;
    }

    @AfterEach
    void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void resourceMetricsShowTheRunningContainer() {
        Pattern cpu = Pattern.compile("^container_cpu_usage_seconds_total\\{container=\"main\",namespace=\"karedge-test\","
                + "pod=\"" + pod + "\"} (\\S+) (\\d+)$", Pattern.MULTILINE);
        String[] text = new String[1];
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            text[0] = ask(MessageType.METRIC_CONNECT, "/metrics/resource", "");
            return cpu.matcher(text[0]).find();
        });
        Matcher matcher = cpu.matcher(text[0]);
        assertThat(matcher.find()).isTrue();
        assertThat(Double.parseDouble(matcher.group(1))).isGreaterThanOrEqualTo(0);
        assertThat(Instant.ofEpochMilli(Long.parseLong(matcher.group(2))))
                .isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(5));
        assertThat(text[0]).contains("# TYPE container_cpu_usage_seconds_total counter\n")
                .containsPattern("(?m)^container_memory_working_set_bytes\\{container=\"main\",namespace=\"karedge-test\","
                        + "pod=\"" + pod + "\"} \\S+ \\d+$")
                .containsPattern("(?m)^pod_cpu_usage_seconds_total\\{namespace=\"karedge-test\",pod=\"" + pod + "\"} ")
                .containsPattern("(?m)^node_cpu_usage_seconds_total \\S+ \\d+$")
                .endsWith("resource_scrape_error 0\n");

        String summary = ask(MessageType.METRIC_CONNECT, "/stats/summary", "");
        assertThat(summary).contains("\"nodeName\" : \"edge-1\"").contains("\"name\" : \"" + pod + "\"")
                .contains("\"usageCoreNanoSeconds\"")
                .contains("\"workingSetBytes\"")
                .as("the pod has no memory limit: containerd's 0 available bytes is not shown, as the kubelet does")
                .doesNotContain("\"availableBytes\" : 0");
        assertThat(session.openStreams()).isZero();
    }

    @Test
    void logsWithTimestampsStartWithTheTimeOfEachLine() {
        await().atMost(WAIT).until(() -> ask(MessageType.LOGS_CONNECT, "/containerLogs/karedge-test/" + pod + "/main",
                "").contains("tick 2\n"));
        Instant asked = Instant.now();
        String text = ask(MessageType.LOGS_CONNECT, "/containerLogs/karedge-test/" + pod + "/main",
                "timestamps=true&tailLines=3");
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z tick \\d+");
            Instant written = OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
            assertThat(written).isBetween(asked.minusSeconds(60), asked.plusSeconds(1));
        }
        // lines older than the limit are left out
        String recent = ask(MessageType.LOGS_CONNECT, "/containerLogs/karedge-test/" + pod + "/main",
                "sinceTime=" + OffsetDateTime.parse(lines.get(2).substring(0, lines.get(2).indexOf(' ')))
                        .toString().replace(":", "%3A"));
        assertThat(recent).startsWith(lines.get(2).substring(lines.get(2).indexOf(' ') + 1) + "\n");
    }

    /** Sends one request down the tunnel and returns the body the edge sent back once it ended the stream. */
    private String ask(MessageType type, String path, String query) {
        long id = ids.incrementAndGet();
        String json = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Host\":\"127.0.0.1:10350\",\"Path\":\""
                + path + "\",\"RawQuery\":\"" + query + "\"},\"header\":{\"Accept\":[\"*/*\"]}}";
        session.onMessage(TunnelMessage.of(id, type, json.getBytes(StandardCharsets.UTF_8)).encode());
        await().atMost(WAIT).until(() -> sent.stream()
                .anyMatch(m -> m.connectionId() == id && m.type() == MessageType.REMOVE_CONNECT));
        StringBuilder text = new StringBuilder();
        for (TunnelMessage message : sent) {
            if (message.connectionId() == id && message.type() == MessageType.DATA) {
                text.append(new String(message.data(), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }
}
