package io.karedge.cloud.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.uplink.UplinkMessage;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.internal.rest.CloudResource;
import io.karedge.cloud.bridge.internal.shell.CloudCommand;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Device reports go upstream only for Devices the cloud sent; the rest is counted and shown. */
@Timeout(120)
class DeviceReportsTest extends AgainstCloudHubDouble {

    static final String MANIFEST = "manifest:/opt/karedge/etc/manifests/demo-devices.yaml";

    private void connect(Map<String, Object> overrides) {
        Map<String, Object> values = Fixtures.fast(cloud);
        values.put("register.node", false);
        values.putAll(overrides);
        bridge = Fixtures.bridge(values, store, data);
        await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().state() == LinkState.CONNECTED);
    }

    private static UplinkMessage twinReport(String device, int n) {
        ObjectNode content = KaredgeJson.mapper().createObjectNode().put("event_id", "e" + n);
        content.putObject("twin").putObject("temperature").putObject("actual").put("value", Integer.toString(n));
        return new UplinkMessage("twin", "twin", "update", "device/default/" + device + "/twin/edge_updated", content,
                null);
    }

    private static UplinkMessage stateReport(String device) {
        return new UplinkMessage("twin", "twin", "update", "device/default/" + device + "/state/update",
                com.fasterxml.jackson.databind.node.TextNode.valueOf("{\"state\":\"online\"}"), null);
    }

    /** The demo devices of a standalone node, and one Device the cloud sent. */
    private void devices() {
        store.put(Fixtures.device("default", "thermometer-01", "edge-1"), MANIFEST);
        store.put(Fixtures.device("default", "valve-02", "edge-1"), MANIFEST);
        String id = cloud.pushObject("insert", "default/device/pump-7", Fixtures.device("default", "pump-7", "edge-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(id) == 1);
        assertThat(store.get(ObjectKey.of("Device", "default", "pump-7")).orElseThrow().source()).isEqualTo("cloud");
    }

    @Test
    void reportsOfLocalDevicesStayOnTheNodeAndEdgeCloudSaysWhy() {
        connect(Map.of());
        devices();
        for (int n = 0; n < 3; n++) {
            store.enqueue(twinReport("thermometer-01", n));
            store.enqueue(twinReport("pump-7", n));
        }
        store.enqueue(stateReport("valve-02"));
        store.enqueue(stateReport("pump-7"));
        store.enqueue(twinReport("removed-9", 0));

        await().atMost(Duration.ofSeconds(10)).until(() -> store.depth() == 0);
        assertThat(cloud.received("update", "device/default/pump-7/")).hasSize(4);
        assertThat(cloud.received("update", "device/default/thermometer-01/")).isEmpty();
        assertThat(cloud.received("update", "device/default/valve-02/")).isEmpty();
        assertThat(cloud.received("update", "device/default/removed-9/")).isEmpty();
        assertThat(cloud.cloudCoreLog).as("CloudCore saw no report it could not apply").isEmpty();
        assertThat(bridge.status().unansweredOut.get()).as("no \"got no answer after 3 sends\"").isZero();

        CloudLinkSnapshot snapshot = bridge.snapshot();
        assertThat(snapshot.reportsNotSent()).isEqualTo(5);
        assertThat(snapshot.devicesNotReported()).containsExactly(
                Map.entry("default/removed-9", "not stored on this node"),
                Map.entry("default/thermometer-01", "local device (" + MANIFEST + ")"),
                Map.entry("default/valve-02", "local device (" + MANIFEST + ")"));
        String shown = CloudCommand.format(snapshot);
        System.out.print(shown);
        assertThat(shown).contains("Not reported:    5 device report(s) of 3 device(s) the cloud does not know")
                .contains("default/thermometer-01: local device (" + MANIFEST + ")");
        assertThat(CloudResource.json(snapshot).path("reportsNotSent").asLong()).isEqualTo(5);
        assertThat(CloudResource.json(snapshot).path("devicesNotReported").path("default/valve-02").asText())
                .startsWith("local device");

        // once the cloud sends a Device of the same name, its reports go up
        String id = cloud.pushObject("update", "default/device/thermometer-01",
                Fixtures.device("default", "thermometer-01", "edge-1").put("kind", "Device"));
        await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(id) == 1);
        store.enqueue(twinReport("thermometer-01", 9));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                cloud.received("update", "device/default/thermometer-01/").size() == 1);
        assertThat(bridge.snapshot().devicesNotReported()).doesNotContainKey("default/thermometer-01");
        assertThat(cloud.cloudCoreLog).isEmpty();
    }

    @Test
    void reportDevicesAllSendsEveryReportAndCloudCoreNeverAnswersTheLocalOnes() {
        connect(Map.of("report.devices", "all", "ack.timeout.ms", 300, "uplink.max.attempts", 2));
        devices();
        store.enqueue(twinReport("thermometer-01", 0));
        store.enqueue(twinReport("pump-7", 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.depth() == 0);
        assertThat(cloud.received("update", "device/default/thermometer-01/")).as("sent, then sent again").hasSize(2);
        assertThat(cloud.cloudCoreLog).contains("Device default/thermometer-01 does not exist in downstream controller");
        assertThat(bridge.status().unansweredOut.get()).isEqualTo(1);
        assertThat(bridge.snapshot().reportsNotSent()).isZero();
        assertThat(CloudCommand.format(bridge.snapshot())).contains("Not reported:    none");
    }

    @Test
    void deviceIdsAreReadFromReportResources() {
        assertThat(DeviceReports.deviceId("device/default/t-1/twin/edge_updated")).contains("default/t-1");
        assertThat(DeviceReports.deviceId("device/plant/t-1/state/update")).contains("plant/t-1");
        assertThat(DeviceReports.deviceId("device/t-1/twin/edge_updated")).contains("default/t-1");
        assertThat(DeviceReports.deviceId("default/podstatus/web-0")).isEmpty();
        assertThat(DeviceReports.deviceId("device//twin/edge_updated")).isEmpty();
        assertThat(DeviceReports.deviceId("device/a/b/c/twin/edge_updated")).isEmpty();
    }
}
