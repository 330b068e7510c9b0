package io.karedge.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.karedge.api.node.BundleHealth;
import io.karedge.api.node.NodeMode;
import io.karedge.api.node.NodeStatus;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverInfo;
import io.karedge.eventbus.MqttBusStatus;
import io.karedge.metrics.internal.PrometheusTextParser.Sample;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRef;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Metric values against known activity, read back through the Prometheus client's reference parser. */
class MetricsScrapeTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeAll
    static void parserInstalled() {
        PrometheusTextParser.assumeAvailable();
    }

    @Test
    void mqttCountersAndClients() throws Exception {
        List<Sample> samples = scrape("prometheus", new EventBusMetrics(new FakeBus(3, 42, 17, 2, 1)));

        assertThat(value(samples, "karedge_mqtt_clients", Map.of())).isEqualTo(3);
        assertThat(value(samples, "karedge_mqtt_messages_received_total", Map.of())).isEqualTo(42);
        assertThat(value(samples, "karedge_mqtt_messages_sent_total", Map.of())).isEqualTo(17);
        assertThat(value(samples, "karedge_mqtt_rejected_total", Map.of())).isEqualTo(2);
        assertThat(value(samples, "karedge_mqtt_up", Map.of("mode", "embedded"))).isEqualTo(1);
        assertThat(family(samples, "karedge_mqtt_messages_received").type()).isEqualTo("counter");
    }

    @Test
    void twinChangesAreCountedBySource() throws Exception {
        TwinMetrics twins = new TwinMetrics();
        twins.engine = new FakeEngine(Set.of("default/a", "default/b"));
        for (int i = 0; i < 3; i++) {
            twins.twinChanged(change(TwinOrigin.MQTT));
        }
        twins.twinChanged(change(TwinOrigin.REST));

        List<Sample> samples = scrape("prometheus", twins);

        assertThat(value(samples, "karedge_twin_updates_total", Map.of("source", "mqtt", "result", "applied")))
                .isEqualTo(3);
        assertThat(value(samples, "karedge_twin_updates_total", Map.of("source", "rest", "result", "applied")))
                .isEqualTo(1);
        assertThat(value(samples, "karedge_twin_updates_total", Map.of("source", "driver", "result", "applied")))
                .isZero();
        assertThat(value(samples, "karedge_twin_devices", Map.of())).isEqualTo(2);
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
        assertThat(value(samples, "karedge_device_read_failures_total", Map.of("device", "default/c"))).isEqualTo(7);
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

    private static TwinChange change(TwinOrigin origin) {
        return new TwinChange("default/a", origin, Map.of(), "online", List.of());
    }

    private static DeviceInfo device(String id, String protocol, DeviceRunState state, long reads, long failed) {
        return new DeviceInfo(id, protocol, "model", "edge-1", state, "", NOW, protocol, "", null, reads, failed, 0,
                List.of());
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

    private record FakeEngine(Set<String> members) implements TwinEngine {
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

    private record FakeDevices(List<DeviceInfo> devices, List<DriverInfo> drivers) implements DeviceManagerStatus {
        public Optional<DeviceInfo> device(String id) {
            return devices.stream().filter(d -> d.id().equals(id)).findFirst();
        }
    }

    private record FakePods(List<PodInfo> pods) implements PodManagerStatus {
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
