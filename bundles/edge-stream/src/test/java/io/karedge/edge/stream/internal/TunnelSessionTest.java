package io.karedge.edge.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karedge.pod.ContainerUsage;
import io.karedge.pod.CpuUsage;
import io.karedge.pod.LogChunk;
import io.karedge.pod.MemoryUsage;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.PodUsage;
import io.karedge.test.support.PrometheusTextParser;
import io.karedge.test.support.PrometheusTextParser.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel's framing and the log and metrics requests CloudCore forwards, against the pod manager's view. */
@Timeout(30)
class TunnelSessionTest {

    private static final Instant NOW = Instant.parse("2026-12-06T02:30:00Z");

    /**
     * One container "shop/web-1/main" whose log grows; line i sits at offset i and, when {@link #times} is
     * filled, was written at times[i]. Usage is whatever the test sets, or the failure it sets.
     */
    private static final class FakePods implements PodManagerStatus {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<Instant> times = new CopyOnWriteArrayList<>();
        volatile List<PodUsage> usage = List.of();
        volatile PodRuntimeException usageFailure;

        @Override
        public List<PodInfo> pods() {
            return List.of();
        }

        @Override
        public Optional<PodInfo> pod(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public LogChunk log(String namespace, String name, String container, boolean previous, long offset,
                            int maxBytes) {
            if (!namespace.equals("shop") || !name.equals("web-1") || !container.equals("main")) {
                return LogChunk.missing();
            }
            int from = (int) Math.min(offset, lines.size());
            int to = Math.min(lines.size(), from + 3);
            List<String> part = new ArrayList<>(lines.subList(from, to));
            List<Instant> partTimes = times.isEmpty() ? List.of() : new ArrayList<>(times.subList(from, to));
            return new LogChunk(part, offset + part.size(), true, partTimes);
        }

        @Override
        public List<PodUsage> usage() throws PodRuntimeException {
            if (usageFailure != null) {
                throw usageFailure;
            }
            return usage;
        }
    }

    @TempDir
    Path proc;

    private final FakePods pods = new FakePods();
    private final List<TunnelMessage> sent = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private TunnelSession session;

    @BeforeEach
    void start() throws Exception {
        // 1234 s user, 10 s nice, 300 s system, idle, iowait, 1 s irq, 2 s softirq, steal: 1547 s used
        Files.writeString(proc.resolve("stat"), """
                cpu  123400 1000 30000 999999 5000 100 200 777 0 0
                cpu0 123400 1000 30000 999999 5000 100 200 777 0 0
                intr 1 2 3
                btime 1796000000
                """);
        Files.writeString(proc.resolve("meminfo"), """
                MemTotal:        4000000 kB
                MemFree:         1000000 kB
                MemAvailable:    3000000 kB
                Buffers:           10000 kB
                """);
        UsageSource usage = new UsageSource("edge-1", pods,
                new NodeUsageReader(proc, Clock.fixed(NOW, ZoneOffset.UTC)));
        session = new TunnelSession(pods, usage, message -> sent.add(message), executor, Duration.ofMillis(20));
    }

    @AfterEach
    void stop() {
        session.close();
        executor.shutdownNow();
    }

    private static byte[] connect(long id, MessageType type, String path, String query) {
        String json = "{\"MessID\":" + id + ",\"url\":{\"Scheme\":\"http\",\"Opaque\":\"\",\"User\":null,\"Host\":"
                + "\"127.0.0.1:10350\",\"Path\":\"" + path + "\",\"RawPath\":\"\",\"OmitHost\":false,\"ForceQuery\":"
                + "false,\"RawQuery\":\"" + query + "\",\"Fragment\":\"\",\"RawFragment\":\"\"},\"header\":"
                + "{\"User-Agent\":[\"kubectl\"]}}";
        return TunnelMessage.of(id, type, json.getBytes(StandardCharsets.UTF_8)).encode();
    }

    private String dataOf(long id) {
        StringBuilder text = new StringBuilder();
        for (TunnelMessage message : sent) {
            if (message.connectionId() == id && message.type() == MessageType.DATA) {
                text.append(new String(message.data(), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    private boolean removed(long id) {
        return sent.stream().anyMatch(m -> m.connectionId() == id && m.type() == MessageType.REMOVE_CONNECT);
    }

    @Test
    void framingIsTwoUvarintsThenThePayload() {
        TunnelMessage message = TunnelMessage.of(300, MessageType.DATA, "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(message.encode()).containsExactly(0xac, 0x02, 0x03, 'h', 'i');
        assertThat(TunnelMessage.decode(message.encode())).isEqualTo(message);
        assertThat(TunnelMessage.decode(new byte[] {7, 4}).type()).isEqualTo(MessageType.REMOVE_CONNECT);
        assertThat(TunnelMessage.decode(TunnelMessage.of(-1L, MessageType.ATTACH_CONNECT, new byte[0]).encode())
                .connectionId()).isEqualTo(-1L);
        assertThatThrownBy(() -> TunnelMessage.decode(new byte[] {(byte) 0x80})).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelMessage.decode(new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logsWithTailAreSentAndTheStreamEnds() {
        for (int i = 1; i <= 10; i++) {
            pods.lines.add("line " + i);
        }
        session.onMessage(connect(5, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "tailLines=2"));
        await().until(() -> removed(5));
        assertThat(dataOf(5)).isEqualTo("line 9\nline 10\n");
        assertThat(session.openStreams()).isZero();
    }

    @Test
    void followSendsNewLinesUntilTheCloudRemovesTheConnection() {
        pods.lines.add("first");
        session.onMessage(connect(6, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "follow=true"));
        await().until(() -> dataOf(6).equals("first\n"));
        pods.lines.add("second");
        await().until(() -> dataOf(6).equals("first\nsecond\n"));
        assertThat(removed(6)).isFalse();
        session.onMessage(TunnelMessage.of(6, MessageType.REMOVE_CONNECT, new byte[0]).encode());
        await().until(() -> removed(6));
        pods.lines.add("third");
        assertThat(dataOf(6)).doesNotContain("third");
    }

    @Test
    void aPodThatDoesNotExistIsReportedAndTheStreamEnds() {
        session.onMessage(connect(7, MessageType.LOGS_CONNECT, "/containerLogs/shop/nope/main", "follow=true"));
        await().until(() -> removed(7));
        assertThat(dataOf(7)).isEqualTo("pods \"nope\" not found in namespace \"shop\"\n");
    }

    @Test
    void badRequestsAreAnsweredNotDropped() {
        session.onMessage(connect(8, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1", ""));
        session.onMessage(connect(9, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "tailLines=-3"));
        session.onMessage(TunnelMessage.of(10, MessageType.LOGS_CONNECT, "{not json".getBytes(StandardCharsets.UTF_8))
                .encode());
        session.onMessage(connect(11, MessageType.EXEC_CONNECT, "/exec/shop/web-1/main", "command=sh"));
        session.onMessage(new byte[] {(byte) 0xff});
        session.onMessage(TunnelMessage.decode(new byte[] {12, 99}).encode());
        await().until(() -> removed(8) && removed(9) && removed(10) && removed(11));
        assertThat(dataOf(8)).startsWith("bad request: expected /containerLogs/");
        assertThat(dataOf(9)).contains("tailLines must be a non-negative integer");
        assertThat(dataOf(10)).startsWith("bad request: the connect request is not JSON");
        assertThat(dataOf(11)).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("bad request: at least one of stdin, stdout and stderr must be wanted\n");
        assertThat(sent).noneMatch(m -> m.connectionId() == 12);
    }

    // ---------------------------------------------------------------- log options

    @Test
    void timestampsPutEachLinesTimeBeforeIt() {
        pods.lines.addAll(List.of("first", "second"));
        pods.times.addAll(List.of(Instant.parse("2026-12-06T02:30:00.123456789Z"),
                Instant.parse("2026-12-06T02:30:01Z")));
        session.onMessage(connect(30, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "timestamps=true"));
        await().until(() -> removed(30));
        assertThat(dataOf(30)).isEqualTo("2026-12-06T02:30:00.123456789Z first\n"
                + "2026-12-06T02:30:01.000000000Z second\n");
    }

    @Test
    void aLineWithoutItsTimeIsStampedWhenItIsRead() {
        pods.lines.add("untimed");
        Instant before = Instant.now();
        session.onMessage(connect(31, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "timestamps=1"));
        await().until(() -> removed(31));
        String line = dataOf(31);
        assertThat(line).endsWith(" untimed\n");
        Instant stamped = OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
        assertThat(stamped).isBetween(before, Instant.now());
    }

    @Test
    void sinceSecondsLeavesOutOlderLines() {
        Instant now = Instant.now();
        pods.lines.addAll(List.of("old", "recent", "newest"));
        pods.times.addAll(List.of(now.minusSeconds(600), now.minusSeconds(30), now));
        session.onMessage(connect(32, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "sinceSeconds=60"));
        await().until(() -> removed(32));
        assertThat(dataOf(32)).isEqualTo("recent\nnewest\n");
    }

    @Test
    void sinceTimeIsAppliedToTheTailAsTheKubeletDoes() {
        // times out of order (a clock step): the tail is taken first, then the old lines are left out of it
        pods.lines.addAll(List.of("a", "b", "c", "d"));
        pods.times.addAll(List.of(Instant.parse("2026-12-06T02:00:00Z"), Instant.parse("2026-12-06T03:00:00Z"),
                Instant.parse("2026-12-06T01:00:00Z"), Instant.parse("2026-12-06T02:45:00Z")));
        session.onMessage(connect(33, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main",
                "tailLines=2&sinceTime=2026-12-06T02%3A30%3A00Z&timestamps=true"));
        await().until(() -> removed(33));
        assertThat(dataOf(33)).isEqualTo("2026-12-06T02:45:00.000000000Z d\n");
        // following: new lines pass the same filter
        pods.lines.addAll(List.of("e", "f"));
        pods.times.addAll(List.of(Instant.parse("2026-12-06T02:29:59Z"), Instant.parse("2026-12-06T02:30:00Z")));
        session.onMessage(connect(34, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main",
                "follow=true&sinceTime=2026-12-06T03%3A30%3A00%2B01%3A00"));
        await().until(() -> dataOf(34).endsWith("f\n"));
        assertThat(dataOf(34)).isEqualTo("b\nd\nf\n");
    }

    @Test
    void badSinceValuesAreBadRequests() {
        pods.lines.add("line");
        session.onMessage(connect(35, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main",
                "sinceSeconds=10&sinceTime=2026-12-06T02%3A30%3A00Z"));
        session.onMessage(connect(36, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "sinceSeconds=0"));
        session.onMessage(connect(37, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main", "sinceSeconds=ten"));
        session.onMessage(connect(38, MessageType.LOGS_CONNECT, "/containerLogs/shop/web-1/main",
                "sinceTime=yesterday"));
        await().until(() -> removed(35) && removed(36) && removed(37) && removed(38));
        assertThat(dataOf(35)).isEqualTo("bad request: at most one of sinceTime or sinceSeconds may be specified\n");
        assertThat(dataOf(36)).isEqualTo("bad request: sinceSeconds must be greater than 0, not 0\n");
        assertThat(dataOf(37)).startsWith("bad request: sinceSeconds must be an integer");
        assertThat(dataOf(38)).startsWith("bad request: sinceTime must be an RFC 3339 time");
    }

    // ---------------------------------------------------------------- metrics

    private static final Instant SAMPLED = Instant.parse("2026-12-06T02:29:58.500Z");

    private static ContainerUsage container(PodRef pod, String name, long cpuNanos, long workingSet) {
        return new ContainerUsage(pod, name, Instant.parse("2026-12-06T01:30:00.250Z"),
                new CpuUsage(SAMPLED, cpuNanos, CpuUsage.UNKNOWN),
                new MemoryUsage(SAMPLED, workingSet, workingSet + 4096, MemoryUsage.UNKNOWN, MemoryUsage.UNKNOWN));
    }

    private void twoPods() {
        PodRef web = new PodRef("uid-web", "shop", "web-1");
        PodRef db = new PodRef("uid-db", "shop", "db-0");
        pods.usage = List.of(
                PodUsage.of(db, Instant.parse("2026-12-06T01:00:00Z"),
                        List.of(container(db, "pg", 3_000_000_000L, 50_000_000))),
                PodUsage.of(web, Instant.parse("2026-12-06T01:30:00Z"),
                        List.of(container(web, "main", 1_500_000_000L, 12_345_678),
                                container(web, "sidecar", 250_000_000L, 1_000_000))));
    }

    private static Map<String, String> labels(String... pairs) {
        Map<String, String> labels = new java.util.TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        return labels;
    }

    private static Sample sample(List<Sample> samples, String name,
                                                Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + labels + " in " + samples));
    }

    @Test
    void resourceMetricsAreTheKubeletsPrometheusText() throws Exception {
        PrometheusTextParser.unavailable().ifPresent(reason -> assumeTrue(false, reason));
        twoPods();
        session.onMessage(connect(40, MessageType.METRIC_CONNECT, "/metrics/resource", ""));
        await().until(() -> removed(40));
        String text = dataOf(40);

        assertThat(text).contains("# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed "
                        + "by the container in core-seconds\n# TYPE container_cpu_usage_seconds_total counter\n")
                .contains("container_memory_working_set_bytes{container=\"main\",namespace=\"shop\",pod=\"web-1\"} "
                        + "1.2345678e+07 " + SAMPLED.toEpochMilli() + "\n")
                .contains("container_start_time_seconds{container=\"pg\",namespace=\"shop\",pod=\"db-0\"} "
                        + "1.79652060025e+09\n")
                .contains("node_memory_working_set_bytes 1.024e+09 " + NOW.toEpochMilli() + "\n")
                .endsWith("# TYPE resource_scrape_error gauge\nresource_scrape_error 0\n");
        List<String> families = text.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2]).toList();
        assertThat(families).containsExactly("container_cpu_usage_seconds_total",
                "container_memory_working_set_bytes", "container_start_time_seconds", "node_cpu_usage_seconds_total",
                "node_memory_working_set_bytes", "pod_cpu_usage_seconds_total", "pod_memory_working_set_bytes",
                "resource_scrape_error");
        // samples in label order: db-0 before web-1, main before sidecar
        assertThat(text.lines().filter(l -> l.startsWith("container_cpu_usage_seconds_total{")).toList())
                .extracting(l -> l.substring(l.indexOf("container=") + 11, l.indexOf("\",")))
                .containsExactly("main", "pg", "sidecar");

        List<Sample> samples = PrometheusTextParser.parse(text, PrometheusTextParser.PROMETHEUS);
        Sample main = sample(samples, "container_cpu_usage_seconds_total",
                labels("container", "main", "namespace", "shop", "pod", "web-1"));
        assertThat(main.type()).isEqualTo("counter");
        assertThat(main.help()).isEqualTo("[STABLE] Cumulative cpu time consumed by the container in core-seconds");
        assertThat(main.value()).isEqualTo(1.5);
        assertThat(main.timestamp()).isCloseTo(SAMPLED.toEpochMilli() / 1000.0, within(1e-6));
        assertThat(sample(samples, "pod_cpu_usage_seconds_total", labels("namespace", "shop", "pod", "web-1"))
                .value()).isEqualTo(1.75);
        assertThat(sample(samples, "pod_memory_working_set_bytes", labels("namespace", "shop", "pod", "web-1"))
                .value()).isEqualTo(13_345_678);
        assertThat(sample(samples, "node_cpu_usage_seconds_total", labels()).value()).isEqualTo(1547);
        assertThat(sample(samples, "node_memory_working_set_bytes", labels()).value()).isEqualTo(1_024_000_000);
        Sample started = sample(samples, "container_start_time_seconds",
                labels("container", "main", "namespace", "shop", "pod", "web-1"));
        assertThat(started.value()).isEqualTo(1796520600.25);
        assertThat(started.timestamp()).isNull();
        assertThat(sample(samples, "resource_scrape_error", labels()).value()).isZero();
        assertThat(samples).hasSize(3 * 3 + 2 + 2 * 2 + 1);
        assertThat(session.openStreams()).isZero();
    }

    @Test
    void theSummaryIsTheKubeletsJson() throws Exception {
        twoPods();
        session.onMessage(connect(41, MessageType.METRIC_CONNECT, "/stats/summary", "only_cpu_and_memory=true"));
        await().until(() -> removed(41));
        JsonNode summary = new ObjectMapper().readTree(dataOf(41));

        JsonNode node = summary.get("node");
        assertThat(node.get("nodeName").asText()).isEqualTo("edge-1");
        assertThat(node.get("startTime").asText()).isEqualTo("2026-11-30T00:53:20Z");
        assertThat(node.at("/cpu/time").asText()).isEqualTo("2026-12-06T02:30:00Z");
        assertThat(node.at("/cpu/usageCoreNanoSeconds").asLong()).isEqualTo(1_547_000_000_000L);
        assertThat(node.at("/cpu").has("usageNanoCores")).isFalse(); // one reading gives no rate
        assertThat(node.at("/memory/workingSetBytes").asLong()).isEqualTo(1_024_000_000L);
        assertThat(node.at("/memory/availableBytes").asLong()).isEqualTo(3_072_000_000L);
        assertThat(node.at("/memory/usageBytes").asLong()).isEqualTo(3_072_000_000L);
        assertThat(node.at("/memory").has("rssBytes")).isFalse();

        JsonNode web = summary.get("pods").get(1);
        assertThat(web.get("podRef").toString()).isEqualTo("{\"name\":\"web-1\",\"namespace\":\"shop\",\"uid\":\"uid-web\"}");
        assertThat(web.get("startTime").asText()).isEqualTo("2026-12-06T01:30:00Z");
        assertThat(web.get("containers")).extracting(c -> c.get("name").asText()).containsExactly("main", "sidecar");
        assertThat(web.at("/containers/0/cpu/usageCoreNanoSeconds").asLong()).isEqualTo(1_500_000_000L);
        assertThat(web.at("/containers/0/cpu/time").asText()).isEqualTo("2026-12-06T02:29:58Z");
        assertThat(web.at("/containers/0/memory/workingSetBytes").asLong()).isEqualTo(12_345_678L);
        assertThat(web.at("/containers/0/memory/usageBytes").asLong()).isEqualTo(12_349_774L);
        assertThat(web.at("/cpu/usageCoreNanoSeconds").asLong()).isEqualTo(1_750_000_000L);
        assertThat(web.at("/memory/workingSetBytes").asLong()).isEqualTo(13_345_678L);
        assertThat(web.has("network")).isFalse();
        assertThat(summary.get("pods").get(0).at("/podRef/name").asText()).isEqualTo("db-0");
    }

    @Test
    void otherPathsAreNotFoundAsGoAnswersThem() {
        session.onMessage(connect(42, MessageType.METRIC_CONNECT, "/metrics/cadvisor", ""));
        session.onMessage(connect(43, MessageType.METRIC_CONNECT, "/stats/summary/extra", ""));
        await().until(() -> removed(42) && removed(43));
        assertThat(dataOf(42)).isEqualTo("404 page not found\n");
        assertThat(dataOf(43)).isEqualTo("404 page not found\n");
    }

    @Test
    void aRuntimeFailureIsToldInTheBody() throws Exception {
        PrometheusTextParser.unavailable().ifPresent(reason -> assumeTrue(false, reason));
        twoPods();
        pods.usageFailure = new PodRuntimeException("RuntimeUnavailable", "the container runtime does not answer");
        session.onMessage(connect(44, MessageType.METRIC_CONNECT, "/metrics/resource", ""));
        session.onMessage(connect(45, MessageType.METRIC_CONNECT, "/stats/summary", ""));
        await().until(() -> removed(44) && removed(45));
        String text = dataOf(44);
        assertThat(text).startsWith("# failed to get pod stats: the container runtime does not answer\n")
                .doesNotContain("container_cpu_usage_seconds_total").endsWith("resource_scrape_error 1\n");
        List<Sample> samples = PrometheusTextParser.parse(text, PrometheusTextParser.PROMETHEUS);
        assertThat(sample(samples, "resource_scrape_error", labels()).value()).isEqualTo(1);
        assertThat(sample(samples, "node_cpu_usage_seconds_total", labels()).value()).isEqualTo(1547);
        assertThat(dataOf(45)).isEqualTo("Internal Error: failed to get pod stats: the container runtime does not "
                + "answer\n");

        // the runtime answers again: so do the metrics
        pods.usageFailure = null;
        session.onMessage(connect(46, MessageType.METRIC_CONNECT, "/metrics/resource", ""));
        await().until(() -> removed(46));
        assertThat(dataOf(46)).contains("container_cpu_usage_seconds_total{").endsWith("resource_scrape_error 0\n");
    }

    @Test
    void unreadableNodeCountersLeaveOnlyTheNodeOut() throws Exception {
        twoPods();
        Files.delete(proc.resolve("meminfo"));
        session.onMessage(connect(47, MessageType.METRIC_CONNECT, "/metrics/resource", ""));
        await().until(() -> removed(47));
        assertThat(dataOf(47)).doesNotContain("node_").contains("pod_cpu_usage_seconds_total{")
                .endsWith("resource_scrape_error 0\n");
    }
}
