package io.karedge.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.karedge.api.meta.StoreCommitStatistics;
import io.karedge.api.meta.StoreStatus;
import io.karedge.api.metrics.LatencyHistogram;
import io.karedge.api.node.BundleHealth;
import io.karedge.api.node.NodeMode;
import io.karedge.api.node.NodeStatus;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStatistics;
import io.karedge.api.twin.TwinUpdateResult;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import io.karedge.cloud.bridge.WatchState;
import io.karedge.cloud.bridge.WatchedResource;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.UplinkDelivery;
import io.karedge.device.driver.StateDetail;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverCallStatistics;
import io.karedge.device.manager.DriverInfo;
import io.karedge.eventbus.MqttBusStatus;
import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.MeshStatus;
import io.karedge.mesh.Resolution;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRestore;
import io.karedge.pod.PodRef;
import io.karedge.test.support.PrometheusTextParser.Sample;
import io.karedge.test.support.PrometheusTextParser;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Metric values against known activity, read back through the Prometheus client's reference parser. */
class MetricsScrapeTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeAll
    static void parserInstalled() {
        PrometheusTextParser.unavailable().ifPresent(reason -> assumeTrue(false, reason));
    }

    @Test
    void mqttCountersAndClients() throws Exception {
        List<Sample> samples = scrape("prometheus", new EventBusMetrics(new FakeBus(3, 42, 17, 2, 1)));

        assertThat(value(samples, "karedge_mqtt_clients", Map.of())).isEqualTo(3);
        assertThat(value(samples, "karedge_mqtt_messages_received_total", Map.of())).isEqualTo(42);
        assertThat(value(samples, "karedge_mqtt_messages_sent_total", Map.of())).isEqualTo(17);
        assertThat(value(samples, "karedge_mqtt_rejected_total", Map.of())).isEqualTo(2);
        assertThat(value(samples, "karedge_mqtt_refused_total", Map.of("what", "publish"))).isZero();
        assertThat(value(samples, "karedge_mqtt_refused_total", Map.of("what", "connection"))).isZero();
        assertThat(value(samples, "karedge_mqtt_persistent_sessions", Map.of())).isZero();
        assertThat(value(samples, "karedge_mqtt_up", Map.of("mode", "embedded"))).isEqualTo(1);
        assertThat(family(samples, "karedge_mqtt_messages_received").type()).isEqualTo("counter");
    }

    @Test
    void twinUpdatesAreCountedBySourceAndResultWithTheirWriteDurations() throws Exception {
        // three MQTT updates: two applied (stored after 3 ms and 40 ms), one rejected; one REST conflict
        LatencyHistogram mqttWrites = new LatencyHistogram();
        mqttWrites.record(3_000_000);
        mqttWrites.record(40_000_000);
        TwinStatistics statistics = new TwinStatistics(
                Map.of(TwinOrigin.MQTT, Map.of(TwinUpdateResult.APPLIED, 2L, TwinUpdateResult.REJECTED, 1L),
                        TwinOrigin.REST, Map.of(TwinUpdateResult.CONFLICT, 1L)),
                Map.of(TwinOrigin.MQTT, mqttWrites.snapshot()));
        TwinMetrics twins = new TwinMetrics(new FakeEngine(Set.of("default/a", "default/b"), statistics));

        for (String format : List.of("prometheus", "openmetrics")) {
            List<Sample> samples = scrape(format, twins);

            assertThat(value(samples, "karedge_twin_updates_total", Map.of("source", "mqtt", "result", "applied")))
                    .isEqualTo(2);
            assertThat(value(samples, "karedge_twin_updates_total", Map.of("source", "mqtt", "result", "rejected")))
                    .isEqualTo(1);
            assertThat(value(samples, "karedge_twin_updates_total", Map.of("source", "rest", "result", "conflict")))
                    .isEqualTo(1);
            assertThat(value(samples, "karedge_twin_updates_total",
                    Map.of("source", "driver", "result", "unchanged"))).isZero();
            assertThat(samples).filteredOn(s -> s.name().equals("karedge_twin_updates_total"))
                    .hasSize(TwinOrigin.values().length * TwinUpdateResult.values().length);
            assertThat(value(samples, "karedge_twin_devices", Map.of())).isEqualTo(2);

            Sample histogram = family(samples, "karedge_twin_write_duration_seconds");
            assertThat(histogram.type()).isEqualTo("histogram");
            assertThat(histogram.unit()).isEqualTo("openmetrics".equals(format) ? "seconds" : "");
            Map<String, String> mqtt = Map.of("source", "mqtt");
            assertThat(value(samples, "karedge_twin_write_duration_seconds_count", mqtt)).isEqualTo(2);
            assertThat(value(samples, "karedge_twin_write_duration_seconds_sum", mqtt)).isCloseTo(0.043, within(1e-9));
            assertThat(bucket(samples, "karedge_twin_write_duration_seconds", mqtt, 0.0025)).isZero();
            assertThat(bucket(samples, "karedge_twin_write_duration_seconds", mqtt, 0.005)).isEqualTo(1);
            assertThat(bucket(samples, "karedge_twin_write_duration_seconds", mqtt, 0.025)).isEqualTo(1);
            assertThat(bucket(samples, "karedge_twin_write_duration_seconds", mqtt, 0.05)).isEqualTo(2);
            assertThat(bucket(samples, "karedge_twin_write_duration_seconds", mqtt, Double.POSITIVE_INFINITY))
                    .isEqualTo(2);
            assertThat(value(samples, "karedge_twin_write_duration_seconds_count", Map.of("source", "cloud")))
                    .isZero();
        }
    }

    @Test
    void storeCommitsFailuresAndCommitDurations() throws Exception {
        LatencyHistogram durations = new LatencyHistogram();
        for (int i = 0; i < 4; i++) {
            durations.record(800_000); // 0.8 ms
        }
        durations.record(12_000_000); // 12 ms
        StoreStatus status = () -> new StoreCommitStatistics(5, 2, durations.snapshot());

        List<Sample> samples = scrape("prometheus", new StoreMetrics(status));

        assertThat(value(samples, "karedge_store_commits_total", Map.of())).isEqualTo(5);
        assertThat(value(samples, "karedge_store_commit_failures_total", Map.of())).isEqualTo(2);
        assertThat(value(samples, "karedge_store_commit_duration_seconds_count", Map.of())).isEqualTo(5);
        assertThat(bucket(samples, "karedge_store_commit_duration_seconds", Map.of(), 0.001)).isEqualTo(4);
        assertThat(bucket(samples, "karedge_store_commit_duration_seconds", Map.of(), 0.01)).isEqualTo(4);
        assertThat(bucket(samples, "karedge_store_commit_duration_seconds", Map.of(), 0.025)).isEqualTo(5);
        assertThat(value(samples, "karedge_store_commit_duration_seconds_sum", Map.of()))
                .isCloseTo(0.0152, within(1e-9));
    }

    @Test
    void driverCallDurationsByProtocolAndOperation() throws Exception {
        LatencyHistogram reads = new LatencyHistogram();
        reads.record(150_000_000); // a Modbus read of 150 ms
        reads.record(5_000_000_000L); // one that ran into a 5 s timeout
        LatencyHistogram writes = new LatencyHistogram();
        writes.record(20_000_000);
        DeviceManagerStatus manager = new FakeDevices(List.of(), List.of(), List.of(
                new DriverCallStatistics("modbus", "read", 1, reads.snapshot()),
                new DriverCallStatistics("modbus", "write", 0, writes.snapshot())));

        List<Sample> samples = scrape("openmetrics", new DeviceMetrics(manager));

        Map<String, String> read = Map.of("protocol", "modbus", "operation", "read");
        assertThat(value(samples, "karedge_driver_call_duration_seconds_count", read)).isEqualTo(2);
        assertThat(bucket(samples, "karedge_driver_call_duration_seconds", read, 0.1)).isZero();
        assertThat(bucket(samples, "karedge_driver_call_duration_seconds", read, 0.25)).isEqualTo(1);
        assertThat(bucket(samples, "karedge_driver_call_duration_seconds", read, 5)).isEqualTo(2);
        assertThat(value(samples, "karedge_driver_call_failures_total", read)).isEqualTo(1);
        assertThat(value(samples, "karedge_driver_call_duration_seconds_count",
                Map.of("protocol", "modbus", "operation", "write"))).isEqualTo(1);
    }

    @Test
    void uplinkDeliveryAndRefusals() throws Exception {
        FakeUplink uplink = new FakeUplink(2, NOW.minusSeconds(5)) {
            @Override
            public long refused() {
                return 7;
            }
        };
        CloudLinkSnapshot snapshot = new CloudLinkSnapshot(LinkState.CONNECTED, "", NOW, "cloud:10000", "edge-1",
                null, null, null, 2, 10, 20, 0, 1);
        CloudLinkStatus link = new CloudLinkStatus() {
            @Override
            public CloudLinkSnapshot snapshot() {
                return snapshot;
            }

            @Override
            public UplinkDelivery uplinkDelivery() {
                return new UplinkDelivery(12, 9, 1, 2);
            }
        };
        MetricsRegistry registry = new MetricsRegistry();
        registry.addCollector(new UplinkMetrics(uplink, CLOCK));
        registry.addCollector(new CloudMetrics(link, CLOCK));

        List<Sample> samples = PrometheusTextParser.parse(write(registry, "prometheus"), "prometheus");

        assertThat(value(samples, "karedge_uplink_refused_total", Map.of())).isEqualTo(7);
        assertThat(value(samples, "karedge_uplink_sent_total", Map.of())).isEqualTo(12);
        assertThat(value(samples, "karedge_uplink_acked_total", Map.of())).isEqualTo(9);
        assertThat(value(samples, "karedge_uplink_dead_lettered_total", Map.of())).isEqualTo(1);
        assertThat(value(samples, "karedge_uplink_unanswered_total", Map.of())).isEqualTo(2);
    }

    @Test
    void meshConnectionsBytesAndEndpoints() throws Exception {
        MeshStatus mesh = new FakeMesh(List.of(new MeshService("shop", "web", "127.77.0.3", "RoundRobin", "default",
                List.of(new MeshPort("http", "TCP", 80, true, "", 2,
                        List.of(new MeshEndpoint("10.0.0.5", 8080, "pod", true, null, 0, 2, 9)),
                        MeshPort.PROXY, 1_000_000, 250_000)))));

        List<Sample> samples = scrape("prometheus", new MeshMetrics(mesh));

        Map<String, String> port = Map.of("namespace", "shop", "service", "web", "port", "http", "protocol", "TCP");
        assertThat(value(samples, "karedge_mesh_connections", port)).isEqualTo(2);
        assertThat(value(samples, "karedge_mesh_bytes_total", with(port, "direction", "in"))).isEqualTo(1_000_000);
        assertThat(value(samples, "karedge_mesh_bytes_total", with(port, "direction", "out"))).isEqualTo(250_000);
        assertThat(value(samples, "karedge_mesh_endpoint_healthy", Map.of("namespace", "shop", "service", "web",
                "port", "http", "endpoint", "10.0.0.5:8080"))).isEqualTo(1);
    }

    @Test
    void meshTunnelPeers() throws Exception {
        MeshStatus mesh = new FakeMesh(List.of(), List.of(
                new io.karedge.mesh.MeshPeer("edge-b", true, "direct", 1500, 4, 1000, 3000, ""),
                new io.karedge.mesh.MeshPeer("edge-c", false, "relay:edge-r", -1, 0, 0, 0, "refused")));

        List<Sample> samples = scrape("prometheus", new MeshMetrics(mesh));

        assertThat(value(samples, "karedge_mesh_peer_up", Map.of("peer", "edge-b"))).isEqualTo(1);
        assertThat(value(samples, "karedge_mesh_peer_up", Map.of("peer", "edge-c"))).isEqualTo(0);
        assertThat(value(samples, "karedge_mesh_peer_relayed", Map.of("peer", "edge-c"))).isEqualTo(1);
        assertThat(value(samples, "karedge_mesh_peer_rtt_seconds", Map.of("peer", "edge-b"))).isEqualTo(0.0015);
        assertThat(value(samples, "karedge_mesh_peer_streams", Map.of("peer", "edge-b"))).isEqualTo(4);
        assertThat(value(samples, "karedge_mesh_peer_bytes_total", Map.of("peer", "edge-b", "direction", "out")))
                .isEqualTo(3000);
    }

    @Test
    void dmiMappersByStateWithDevicesPendingPushesAndLastReport() throws Exception {
        io.karedge.dmi.MapperStatus mapper = new io.karedge.dmi.MapperStatus("random-mapper", "random",
                "/run/random.sock", "v1.22.2", "v1.0.0", io.karedge.dmi.MapperState.REACHABLE, NOW.minusSeconds(60),
                null, 1, 3, NOW.minusSeconds(2));
        io.karedge.dmi.MapperRegistry registry = new io.karedge.dmi.MapperRegistry() {
            @Override
            public List<io.karedge.dmi.MapperStatus> mappers() {
                return List.of(mapper);
            }

            @Override
            public java.util.Optional<io.karedge.dmi.MapperStatus> mapper(String protocol) {
                return java.util.Optional.of(mapper);
            }
        };

        List<Sample> samples = scrape("prometheus", new MapperMetrics(registry));

        Map<String, String> labels = Map.of("mapper", "random-mapper", "protocol", "random", "version", "v1.22.2");
        assertThat(value(samples, "karedge_dmi_mappers", with(labels, "state", "reachable"))).isEqualTo(1);
        assertThat(value(samples, "karedge_dmi_mappers", with(labels, "state", "unreachable"))).isZero();
        assertThat(value(samples, "karedge_dmi_mapper_devices", Map.of("protocol", "random"))).isEqualTo(3);
        assertThat(value(samples, "karedge_dmi_mapper_pending_pushes", Map.of("protocol", "random"))).isEqualTo(1);
        assertThat(value(samples, "karedge_dmi_mapper_last_report_timestamp_seconds", Map.of("protocol", "random")))
                .isEqualTo(NOW.minusSeconds(2).getEpochSecond());
    }

    @Test
    void uplinkDepthAndOldestAge() throws Exception {
        FakeUplink uplink = new FakeUplink(5, NOW.minusSeconds(30));

        List<Sample> samples = scrape("openmetrics", new UplinkMetrics(uplink, CLOCK));

        assertThat(value(samples, "karedge_uplink_depth", Map.of())).isEqualTo(5);
        assertThat(value(samples, "karedge_uplink_oldest_age_seconds", Map.of())).isEqualTo(30);
        assertThat(family(samples, "karedge_uplink_oldest_age_seconds").unit()).isEqualTo("seconds");

        List<Sample> empty = scrape("prometheus", new UplinkMetrics(new FakeUplink(0, null), CLOCK));
        assertThat(value(empty, "karedge_uplink_oldest_age_seconds", Map.of())).isZero();
    }

    @Test
    void cloudLinkStateKeepaliveAndCertificate() throws Exception {
        CloudLinkSnapshot snapshot = new CloudLinkSnapshot(LinkState.CONNECTED, "", NOW.minusSeconds(600),
                "cloud:10000", "edge-1", Instant.parse("2027-01-01T00:00:00Z"), null, NOW.minusSeconds(12),
                4, 100, 200, 3, 1);

        List<Sample> samples = scrape("openmetrics", new CloudMetrics(() -> snapshot, CLOCK));

        assertThat(value(samples, "karedge_cloud_link_state", Map.of("state", "connected"))).isEqualTo(1);
        assertThat(value(samples, "karedge_cloud_link_state", Map.of("state", "backing_off"))).isZero();
        assertThat(value(samples, "karedge_cloud_reconnects_total", Map.of())).isEqualTo(3);
        assertThat(value(samples, "karedge_cloud_messages_sent_total", Map.of())).isEqualTo(200);
        assertThat(value(samples, "karedge_cloud_dead_letters_total", Map.of())).isEqualTo(1);
        assertThat(value(samples, "karedge_cloud_keepalive_age_seconds", Map.of())).isEqualTo(12);
        assertThat(value(samples, "karedge_cloud_certificate_expiry_timestamp_seconds", Map.of()))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z").getEpochSecond());
        assertThat(samples).extracting(Sample::name).doesNotContain("karedge_cloud_watch_events_total");
    }

    @Test
    void cloudWatchEventsPerResourceSinceTheBridgeStarted() throws Exception {
        CloudLinkSnapshot snapshot = new CloudLinkSnapshot(LinkState.CONNECTED, "", NOW, "cloud:10000", "edge-1",
                null, null, null, 0, 0, 0, 0, 0, 0, Map.of(), List.of(
                        new WatchedResource("services", WatchState.ACCEPTED, "", null, NOW, 4, 0, "", 3, 41),
                        new WatchedResource("nodes", WatchState.REFUSED, "forbidden", NOW, null, 0, 0, "", 0, 0)));

        List<Sample> samples = scrape("openmetrics", new CloudMetrics(() -> snapshot, CLOCK));

        assertThat(value(samples, "karedge_cloud_watch_events_total", Map.of("resource", "services"))).isEqualTo(41);
        assertThat(value(samples, "karedge_cloud_watch_events_total", Map.of("resource", "nodes"))).isZero();
    }

    @Test
    void devicesByStateAndProtocolAndDriverErrors() throws Exception {
        DeviceManagerStatus manager = new FakeDevices(List.of(
                device("default/a", "virtual", DeviceRunState.ONLINE, 10, 0),
                device("default/b", "virtual", DeviceRunState.ONLINE, 5, 1),
                device("default/c", "modbus", DeviceRunState.OFFLINE, 7, 7)),
                List.of(new DriverInfo("virtual", "io.karedge.protocol.virtual", "0.1.0", 12, 0, true, 2, 1, "", null),
                        new DriverInfo("modbus", "io.karedge.protocol.modbus", "0.1.0", 13, 0, true, 1, 7, "x", null)));

        List<Sample> samples = scrape("prometheus", new DeviceMetrics(manager));

        assertThat(value(samples, "karedge_devices", Map.of("state", "online", "protocol", "virtual"))).isEqualTo(2);
        assertThat(value(samples, "karedge_devices", Map.of("state", "offline", "protocol", "modbus"))).isEqualTo(1);
        assertThat(value(samples, "karedge_devices", Map.of("state", "offline", "protocol", "virtual"))).isZero();
        assertThat(value(samples, "karedge_device_state_details",
                Map.of("detail", "communication_error", "protocol", "modbus"))).isEqualTo(1);
        assertThat(value(samples, "karedge_device_state_details",
                Map.of("detail", "configuration_error", "protocol", "modbus"))).isZero();
        assertThat(samples.stream().filter(s -> s.name().equals("karedge_device_state_details")))
                .as("one series per protocol and detail, none for 'none'")
                .hasSize(2 * (StateDetail.values().length - 1))
                .noneMatch(s -> s.labels().get("detail").equals("none"));
        assertThat(value(samples, "karedge_device_read_failures_total", Map.of("device", "default/c"))).isEqualTo(7);
        assertThat(value(samples, "karedge_device_desired_rewrites_total", Map.of("device", "default/c")))
                .isEqualTo(3);
        assertThat(value(samples, "karedge_driver_errors_total",
                Map.of("protocol", "modbus", "bundle", "io.karedge.protocol.modbus"))).isEqualTo(7);
    }

    @Test
    void podsByPhaseAndRestarts() throws Exception {
        PodManagerStatus pods = new FakePods(List.of(pod("web", "Running", 2), pod("job", "Succeeded", 0),
                pod("db", "Running", 0)));

        List<Sample> samples = scrape("prometheus", new PodMetrics(pods));

        assertThat(value(samples, "karedge_pods", Map.of("phase", "Running"))).isEqualTo(2);
        assertThat(value(samples, "karedge_pods", Map.of("phase", "Succeeded"))).isEqualTo(1);
        assertThat(value(samples, "karedge_pods", Map.of("phase", "Failed"))).isZero();
        assertThat(value(samples, "karedge_pod_restarts_total", Map.of("namespace", "default", "pod", "web")))
                .isEqualTo(2);
    }

    @Test
    void theRestoreOfTheLastRunsPodsOnceItIsDone() throws Exception {
        PodRestore done = new PodRestore(3, 2, true, Duration.ofMillis(400), Duration.ofMillis(600),
                Duration.ofMillis(1_250), List.of("default/job: main ErrImagePull"));
        List<Sample> samples = scrape("prometheus", new PodMetrics(new FakePods(List.of(), Optional.of(done))));

        assertThat(value(samples, "karedge_pods_restore_seconds", Map.of())).isEqualTo(1.25);
        assertThat(value(samples, "karedge_pods_restored", Map.of("outcome", "running"))).isEqualTo(2);
        assertThat(value(samples, "karedge_pods_restored", Map.of("outcome", "not_running"))).isEqualTo(1);

        PodRestore running = new PodRestore(3, 1, false, Duration.ofMillis(400), null, Duration.ofMillis(900),
                List.of());
        assertThat(scrape("prometheus", new PodMetrics(new FakePods(List.of(), Optional.of(running)))))
                .noneMatch(sample -> sample.name().startsWith("karedge_pods_restore"));
    }

    @Test
    void nodeStoreAndJvmFamiliesInBothFormats() throws Exception {
        NodeStatus status = new NodeStatus("edge-1", NodeMode.STANDALONE, "/data", 123456, 42,
                Map.of("Device", 2L, "DeviceModel", 1L),
                List.of(new BundleHealth("io.karedge.api", "0.1.0", "ACTIVE", false, List.of())),
                NOW.minusSeconds(60));
        MetricsRegistry registry = new MetricsRegistry();
        registry.addCollector(new NodeMetrics(() -> status));

        for (String format : List.of("prometheus", "openmetrics")) {
            List<Sample> samples = PrometheusTextParser.parse(write(registry, format), format);
            assertThat(value(samples, "karedge_store_size_bytes", Map.of())).isEqualTo(123456);
            assertThat(value(samples, "karedge_store_objects", Map.of("kind", "Device"))).isEqualTo(2);
            assertThat(value(samples, "karedge_node_info", Map.of("node", "edge-1", "mode", "standalone")))
                    .isEqualTo(1);
            assertThat(value(samples, "karedge_node_healthy", Map.of())).isEqualTo(1);
            assertThat(samples).extracting(Sample::family)
                    .contains("jvm_memory_used_bytes", "jvm_threads_current", "jvm_gc_collection_seconds");
        }
    }

    @Test
    void acceptHeaderChoosesTheFormat() {
        MetricsResource resource = new MetricsResource(new MetricsRegistry());

        assertThat(resource.writerFor(null).getContentType()).startsWith("text/plain; version=0.0.4");
        assertThat(resource.writerFor("*/*").getContentType()).startsWith("text/plain; version=0.0.4");
        assertThat(resource.writerFor("application/openmetrics-text; version=1.0.0,text/plain;q=0.5")
                .getContentType()).startsWith("application/openmetrics-text");
        assertThat(resource.writerFor("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily")
                .getContentType()).startsWith("text/plain");
    }

    @Test
    void aFailingPartLeavesTheOthersInTheScrape() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        registry.addCollector(new UplinkMetrics(new FakeUplink(-1, null) {
            @Override
            public long depth() {
                throw new IllegalStateException("store closed");
            }
        }, CLOCK));
        registry.addCollector(new EventBusMetrics(new FakeBus(1, 1, 1, 0, 0)));

        List<Sample> samples = PrometheusTextParser.parse(write(registry, "prometheus"), "prometheus");

        assertThat(value(samples, "karedge_mqtt_clients", Map.of())).isEqualTo(1);
        assertThat(samples).noneMatch(s -> s.family().startsWith("karedge_uplink"));
    }

    @Test
    void aRemovedPartHasNoMetrics() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        EventBusMetrics bus = new EventBusMetrics(new FakeBus(1, 1, 1, 0, 0));
        registry.addCollector(bus);
        registry.removeCollector(bus);

        List<Sample> samples = PrometheusTextParser.parse(write(registry, "prometheus"), "prometheus");

        assertThat(samples).noneMatch(s -> s.family().startsWith("karedge_mqtt"));
    }

    @Test
    void theRegistryIsSetUpAtTheFirstScrapeWithEveryPartAddedBeforeOrAfter() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        EventBusMetrics bus = new EventBusMetrics(new FakeBus(3, 1, 1, 0, 0));
        registry.addCollector(bus);
        assertThat(registry.started()).as("nothing set up before a scrape").isFalse();

        List<Sample> first = PrometheusTextParser.parse(write(registry, "prometheus"), "prometheus");
        assertThat(registry.started()).isTrue();
        assertThat(value(first, "karedge_mqtt_clients", Map.of())).isEqualTo(3);
        assertThat(first).extracting(Sample::family).contains("jvm_threads_current");

        registry.removeCollector(bus);
        registry.addCollector(new UplinkMetrics(new FakeUplink(4, null), CLOCK));
        List<Sample> second = PrometheusTextParser.parse(write(registry, "prometheus"), "prometheus");
        assertThat(second).noneMatch(s -> s.family().startsWith("karedge_mqtt"));
        assertThat(value(second, "karedge_uplink_depth", Map.of())).isEqualTo(4);
    }

    // --- helpers

    private static List<Sample> scrape(String format, NodeCollector collector) throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        registry.addCollector(collector);
        return PrometheusTextParser.parse(write(registry, format), format);
    }

    private static String write(MetricsRegistry registry, String format) throws Exception {
        ExpositionFormatWriter writer = new MetricsResource(registry)
                .writerFor(format.equals("openmetrics") ? "application/openmetrics-text; version=1.0.0" : "text/plain");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** @return the cumulative count of a histogram's bucket, found by its bound's value (not its spelling) */
    private static double bucket(List<Sample> samples, String family, Map<String, String> labels, double le) {
        return samples.stream().filter(s -> s.name().equals(family + "_bucket"))
                .filter(s -> bound(s.labels().get("le")) == le)
                .filter(s -> without(s.labels(), "le").equals(labels))
                .findFirst().orElseThrow(() -> new AssertionError("no bucket le=" + le + " of " + family + labels))
                .value();
    }

    private static double bound(String le) {
        return "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    private static Map<String, String> without(Map<String, String> labels, String name) {
        Map<String, String> copy = new TreeMap<>(labels);
        copy.remove(name);
        return copy;
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> copy = new TreeMap<>(labels);
        copy.put(name, value);
        return copy;
    }

    private static Sample family(List<Sample> samples, String family) {
        return samples.stream().filter(s -> s.family().equals(family)).findFirst()
                .orElseThrow(() -> new AssertionError("no family " + family));
    }

    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels + " among "
                        + samples.stream().map(s -> s.name() + s.labels()).toList()))
                .value();
    }

    private static DeviceInfo device(String id, String protocol, DeviceRunState state, long reads, long failed) {
        StateDetail detail = state == DeviceRunState.OFFLINE ? StateDetail.COMMUNICATION_ERROR : StateDetail.NONE;
        return new DeviceInfo(id, protocol, "model", "edge-1", state, "", NOW, protocol, "", null, reads, failed, 0,
                List.of(), failed / 2, detail);
    }

    private static PodInfo pod(String name, String phase, int restarts) {
        return new PodInfo(new PodRef("uid-" + name, "default", name), "", phase, 1, 1, phase, restarts, NOW,
                "10.0.0.1", "edge-1", JsonNodeFactory.instance.objectNode());
    }

    private record FakeBus(int clients, long in, long out, long rejected, long errors) implements MqttBusStatus {
        public String mode() {
            return "embedded";
        }

        public String address() {
            return "tcp://127.0.0.1:1883";
        }

        public boolean connected() {
            return true;
        }

        public int connectedClients() {
            return clients;
        }

        public double messagesInPerSecond() {
            return 0;
        }

        public double messagesOutPerSecond() {
            return 0;
        }

        public long messagesIn() {
            return in;
        }

        public long messagesOut() {
            return out;
        }
    }

    private record FakeEngine(Set<String> members, TwinStatistics statistics) implements TwinEngine {
        public CompletionStage<TwinReply> handle(TwinRequest request) {
            throw new UnsupportedOperationException();
        }

        public CompletionStage<TwinReply> setDesired(String deviceId, String property, String value,
                                                     long expectedVersion, TwinOrigin origin) {
            throw new UnsupportedOperationException();
        }

        public Optional<DeviceTwin> device(String deviceId) {
            return Optional.empty();
        }
    }

    private static class FakeUplink implements Uplink {
        private final long depth;
        private final Instant oldest;

        FakeUplink(long depth, Instant oldest) {
            this.depth = depth;
            this.oldest = oldest;
        }

        public UplinkEntry enqueue(UplinkMessage message) {
            throw new UnsupportedOperationException();
        }

        public List<UplinkEntry> pending(long afterSequence, int max) {
            return oldest == null ? List.of() : List.of(new UplinkEntry(1, message(), oldest, 0));
        }

        public void acknowledge(long sequence) {
        }

        public long depth() {
            return depth;
        }

        public AutoCloseable onEnqueue(Runnable callback) {
            return () -> { };
        }
    }

    private record FakeDevices(List<DeviceInfo> devices, List<DriverInfo> drivers,
                               List<DriverCallStatistics> driverCalls) implements DeviceManagerStatus {
        FakeDevices(List<DeviceInfo> devices, List<DriverInfo> drivers) {
            this(devices, drivers, List.of());
        }

        public Optional<DeviceInfo> device(String id) {
            return devices.stream().filter(d -> d.id().equals(id)).findFirst();
        }
    }

    private record FakeMesh(List<MeshService> services, List<io.karedge.mesh.MeshPeer> peers) implements MeshStatus {
        FakeMesh(List<MeshService> services) {
            this(services, List.of());
        }

        public Resolution resolve(String name) {
            throw new UnsupportedOperationException();
        }

        public DnsStatus dns() {
            return new DnsStatus(false, "", false, "", List.of(), 0, 0, 0, 0, 0, 0, 0);
        }
    }

    private record FakePods(List<PodInfo> pods, Optional<PodRestore> restore) implements PodManagerStatus {
        FakePods(List<PodInfo> pods) {
            this(pods, Optional.empty());
        }

        public Optional<PodInfo> pod(String namespace, String name) {
            return Optional.empty();
        }

        public LogChunk log(String namespace, String name, String container, boolean previous, long offset,
                            int maxBytes) {
            throw new UnsupportedOperationException();
        }
    }

    private static UplinkMessage message() {
        return new UplinkMessage("edged", "twin", "update", "default/device/a", JsonNodeFactory.instance.objectNode(),
                null);
    }
}
