package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.Device;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.DriverException;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.StubProtocolDriver;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.protocol.virtual.internal.VirtualDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceManagerTest {

    private final Fixture fixture = new Fixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static final String STUB_PROPS = """
            - {name: temperature, collectCycle: 100, reportCycle: 100, reportToCloud: true,
               visitors: {protocolName: stub, configData: {value: "21.5"}}}
            """;

    @Test
    void bindsDevicesByProtocolNameAndMergesModelDefaults() {
        StubProtocolDriver stub = new StubProtocolDriver();
        StubProtocolDriver other = new StubProtocolDriver();
        fixture.addDriver("other", other, 0);
        fixture.addDriver("stub", stub, 0);
        fixture.put("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata: {name: thermo, namespace: default}
                spec:
                  protocol: stub
                  protocolConfigData: {host: model-host, port: 502}
                  properties:
                    - name: temperature
                      type: FLOAT
                      accessMode: ReadOnly
                      visitors: {protocolName: stub, configData: {value: "17.25", register: 7}}
                """);
        fixture.put("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: t1, namespace: default}
                spec:
                  deviceModelRef: {name: thermo}
                  protocol: {protocolName: stub, configData: {host: device-host}}
                  properties:
                    - {name: temperature, collectCycle: 100, reportToCloud: true,
                       visitors: {protocolName: stub, configData: {register: 9}}}
                """);

        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.twin.values("default/t1", "temperature").isEmpty());
        assertThat(other.handlers).isEmpty();
        assertThat(stub.handlers).hasSize(1);
        Device opened = stub.handlers.get(0).device();
        ObjectNode protocol = opened.spec().protocol().configData();
        assertThat(protocol.path("host").asText()).isEqualTo("device-host");
        assertThat(protocol.path("port").asInt()).isEqualTo(502);
        ObjectNode visitor = opened.spec().properties().get(0).visitors().configData();
        assertThat(visitor.path("register").asInt()).isEqualTo(9);
        assertThat(fixture.twin.values("default/t1", "temperature").get(0)).isEqualTo("17.25");
        assertThat(fixture.twin.of("default/t1", io.karedge.api.twin.TwinOperation.TWIN_UPDATE).get(0).json()
                .path("twin").path("temperature").path("metadata").path("type").asText()).isEqualTo("float");
        assertThat(fixture.twin.of("default/t1", io.karedge.api.twin.TwinOperation.TWIN_UPDATE).get(0).origin())
                .isEqualTo(TwinOrigin.DRIVER);
        assertThat(fixture.device("t1").state()).isEqualTo(DeviceRunState.ONLINE);
        assertThat(fixture.twin.states("default/t1")).contains("online");
    }

    @Test
    void waitsWithoutADriverAndStartsWithinOneSecondOfItsArrival() {
        fixture.put(Fixture.device("d1", "stub", STUB_PROPS));
        await().atMost(Duration.ofSeconds(2)).until(() -> fixture.component.device("d1").isPresent()
                && fixture.device("d1").state() == DeviceRunState.NO_DRIVER);
        assertThat(fixture.device("d1").reason()).isEqualTo("waiting for a driver for protocol stub");

        StubProtocolDriver stub = new StubProtocolDriver();
        long start = System.nanoTime();
        fixture.addDriver("stub", stub, 0);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> fixture.device("d1").state() == DeviceRunState.ONLINE);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
        assertThat(fixture.property("default/d1", "temperature").value()).isEqualTo("21.5");
    }

    @Test
    void aDriverThatLeavesClosesItsHandlersAndPausesItsDevices() {
        StubProtocolDriver stub = new StubProtocolDriver();
        long id = fixture.addDriver("stub", stub, 0);
        fixture.put(Fixture.device("d1", "stub", STUB_PROPS));
        fixture.put(Fixture.device("d2", "stub", STUB_PROPS));
        await().atMost(Duration.ofSeconds(3)).until(() -> fixture.device("d1").state() == DeviceRunState.ONLINE
                && fixture.device("d2").state() == DeviceRunState.ONLINE);

        fixture.component.removeDriver(id);
        await().atMost(Duration.ofSeconds(2)).until(() -> stub.openHandlers() == 0);
        assertThat(fixture.device("d1").state()).isEqualTo(DeviceRunState.PAUSED);
        assertThat(fixture.device("d1").reason()).contains("left").contains("protocol stub");
        int readsAfterClose = stub.reads.get();
        assertThat(fixture.component.drivers()).isEmpty();

        StubProtocolDriver back = new StubProtocolDriver();
        fixture.addDriver("stub", back, 0);
        await().atMost(Duration.ofSeconds(1)).until(() -> fixture.device("d1").state() == DeviceRunState.ONLINE
                && fixture.device("d2").state() == DeviceRunState.ONLINE);
        assertThat(stub.reads.get()).isEqualTo(readsAfterClose);
        assertThat(back.handlers).hasSize(2);
    }

    @Test
    void aDeviceWithBadConfigDataGoesToErrorWithTheDriversReason() {
        fixture.addDriver("virtual", new VirtualDriver(), 0);
        fixture.put(Fixture.device("bad", "virtual", """
                - {name: temperature, visitors: {protocolName: virtual, configData: {generator: sine, min: 30, max: 10}}}
                """));
        await().atMost(Duration.ofSeconds(3)).until(() -> fixture.component.device("bad").isPresent()
                && fixture.device("bad").state() == DeviceRunState.ERROR);
        assertThat(fixture.device("bad").reason()).contains("invalid configData").contains("min 30 is greater than max 10");
        assertThat(fixture.component.drivers().get(0).errors()).isPositive();
        assertThat(fixture.twin.states("default/bad")).containsExactly("unhealthy");
    }

    @Test
    void aThrowingOrHangingDriverTakesOnlyItsOwnDeviceOffline() {
        fixture.addDriver("virtual", new VirtualDriver(), 0);
        String counter = """
                - {name: count, collectCycle: 100, reportToCloud: true, visitors: {protocolName: virtual, configData: {generator: counter}}}
                """;
        fixture.put(Fixture.device("healthy", "virtual", counter));
        fixture.put(Fixture.device("crashing", "virtual", counter).replace("protocolName: virtual}",
                "protocolName: virtual, configData: {fail: throw}}"));
        fixture.put(Fixture.device("hanging", "virtual", counter).replace("protocolName: virtual}",
                "protocolName: virtual, configData: {fail: hang}}"));
        fixture.put(Fixture.device("hanging-2", "virtual", counter).replace("protocolName: virtual}",
                "protocolName: virtual, configData: {fail: hang}}"));

        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.device("crashing").state() == DeviceRunState.OFFLINE
                && fixture.device("hanging").state() == DeviceRunState.OFFLINE
                && fixture.device("hanging-2").state() == DeviceRunState.OFFLINE);
        assertThat(fixture.device("crashing").lastError()).contains("simulated driver crash");
        assertThat(fixture.device("hanging").reason()).contains("did not return within 400 ms");
        // both pool threads are held by the hanging reads, yet the healthy device keeps counting
        long before = Long.parseLong(fixture.property("default/healthy", "count").value());
        await().atMost(Duration.ofSeconds(3)).until(
                () -> Long.parseLong(fixture.property("default/healthy", "count").value()) >= before + 5);
        assertThat(fixture.device("healthy").state()).isEqualTo(DeviceRunState.ONLINE);
        await().atMost(Duration.ofSeconds(2)).until(() -> fixture.device("hanging").skipped() > 3);
        assertThat(fixture.component.manager().guard().lentThreads()).isEqualTo(2);
    }

    @Test
    void propertiesWithTheSameCycleAreReadInOneBatchAndReportsAreThrottledToTheReportCycle() throws Exception {
        RecordingDriver driver = new RecordingDriver();
        fixture.addDriver("rec", driver, 0);
        fixture.put(Fixture.device("b1", "rec", """
                - {name: a, collectCycle: 50, reportCycle: 500, reportToCloud: true}
                - {name: b, collectCycle: 50, reportCycle: 500, reportToCloud: true}
                - {name: c, collectCycle: 5000, reportToCloud: false}
                """));
        Thread.sleep(1300);
        List<List<String>> batches = List.copyOf(driver.batches);
        assertThat(batches).contains(List.of("a", "b"), List.of("c"));
        assertThat(batches.stream().filter(b -> b.equals(List.of("a", "b"))).count()).isGreaterThan(10);
        assertThat(batches.stream().filter(b -> b.contains("a") && b.size() == 1)).isEmpty();
        List<String> reportsOfA = fixture.twin.values("default/b1", "a");
        assertThat(reportsOfA).hasSizeBetween(2, 4);
        assertThat(fixture.twin.values("default/b1", "c")).isEmpty();
        assertThat(batches.stream().filter(b -> b.equals(List.of("c"))).count()).isEqualTo(1);
        assertThat(fixture.property("default/b1", "c").value()).startsWith("c-");
    }

    @Test
    void aDesiredValueFromTheTwinIsWrittenWithoutReopeningTheHandler() {
        StubProtocolDriver stub = new StubProtocolDriver();
        fixture.addDriver("stub", stub, 0);
        fixture.twin.expect("default/h1", "setpoint", "20");
        fixture.put("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata: {name: heater, namespace: default}
                spec:
                  protocol: stub
                  properties:
                    - {name: setpoint, type: INT, accessMode: ReadWrite}
                    - {name: power, type: INT, accessMode: ReadOnly}
                """);
        fixture.put("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: h1, namespace: default}
                spec:
                  deviceModelRef: {name: heater}
                  protocol: {protocolName: stub}
                  properties:
                    - {name: setpoint, collectCycle: 100, reportToCloud: true, desired: {value: "20"}}
                    - {name: power, collectCycle: 100}
                """);
        await().atMost(Duration.ofSeconds(3)).until(() -> fixture.device("h1").state() == DeviceRunState.ONLINE);
        assertThat(stub.writes).extracting(PropertyWrite::value).containsExactly("20");

        fixture.component.twinChanged(change("default/h1", TwinOrigin.DRIVER, "setpoint", "99"));
        fixture.twin.expect("default/h1", "setpoint", "25"); // the twin holds what it tells its listeners
        fixture.component.twinChanged(change("default/h1", TwinOrigin.MQTT, "setpoint", "25"));
        fixture.component.twinChanged(change("default/h1", TwinOrigin.MQTT, "setpoint", "25"));
        fixture.component.twinChanged(change("default/h1", TwinOrigin.MQTT, "power", "7"));
        await().atMost(Duration.ofSeconds(2)).until(() -> "25".equals(fixture.property("default/h1", "setpoint").value()));
        assertThat(stub.writes).extracting(PropertyWrite::value).containsExactly("20", "25");
        assertThat(stub.handlers).hasSize(1);
        assertThat(stub.handlers.get(0).closed()).isFalse();
        assertThat(fixture.property("default/h1", "setpoint").writeResult()).isEqualTo("ok");
        assertThat(fixture.property("default/h1", "power").writeResult()).contains("not ReadWrite");
        assertThat(fixture.twin.values("default/h1", "setpoint")).contains("25");
        assertThat(stub.overlaps).hasValue(0);
    }

    @Test
    void withoutATwinEngineAChangedDesiredValueInTheSpecIsWrittenWithoutReopeningButOtherChangesReopen() {
        fixture.close();
        Fixture fixture = new Fixture(ManagerSettings.defaults().withTimeouts(400, 300), false);
        try {
            specChangesWithoutEngine(fixture);
        } finally {
            fixture.close();
        }
    }

    private static void specChangesWithoutEngine(Fixture fixture) {
        StubProtocolDriver stub = new StubProtocolDriver();
        fixture.addDriver("stub", stub, 0);
        String model = """
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata: {name: heater, namespace: default}
                spec: {protocol: stub, properties: [{name: setpoint, type: INT, accessMode: ReadWrite}]}
                """;
        String device = """
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: h2, namespace: default}
                spec:
                  deviceModelRef: {name: heater}
                  protocol: {protocolName: stub}
                  properties: [{name: setpoint, collectCycle: %d, desired: {value: "%s"}}]
                """;
        fixture.put(model);
        fixture.put(device.formatted(100, "20"));
        await().atMost(Duration.ofSeconds(3)).until(() -> stub.writes.size() == 1);
        fixture.put(device.formatted(100, "21"));
        await().atMost(Duration.ofSeconds(3)).until(() -> stub.writes.size() == 2);
        assertThat(stub.handlers).hasSize(1);
        fixture.put(device.formatted(200, "21"));
        await().atMost(Duration.ofSeconds(3)).until(() -> stub.handlers.size() == 2 && stub.handlers.get(0).closed());
    }

    @Test
    void theHighestRankedDriverWinsThenTheOldestAndTheOthersStandBy() {
        StubProtocolDriver first = new StubProtocolDriver();
        StubProtocolDriver second = new StubProtocolDriver();
        StubProtocolDriver ranked = new StubProtocolDriver();
        fixture.addDriver("stub", first, 0);
        fixture.addDriver("stub", second, 0);
        fixture.put(Fixture.device("d1", "stub", STUB_PROPS));
        await().atMost(Duration.ofSeconds(3)).until(() -> first.handlers.size() == 1);
        assertThat(second.handlers).isEmpty();

        long rankedId = fixture.addDriver("stub", ranked, 10);
        await().atMost(Duration.ofSeconds(3)).until(() -> ranked.handlers.size() == 1 && first.openHandlers() == 0);
        assertThat(fixture.component.drivers()).filteredOn(d -> d.active()).singleElement()
                .satisfies(d -> assertThat(d.ranking()).isEqualTo(10));

        fixture.component.removeDriver(rankedId);
        await().atMost(Duration.ofSeconds(3)).until(() -> first.openHandlers() == 1);
        assertThat(second.handlers).isEmpty();
        assertThat(fixture.device("d1").state()).isIn(DeviceRunState.STARTING, DeviceRunState.ONLINE);
    }

    @Test
    void devicesOfOtherNodesAreIgnoredAndDeletedDevicesAreClosed() {
        StubProtocolDriver stub = new StubProtocolDriver();
        fixture.addDriver("stub", stub, 0);
        fixture.put(Fixture.device("elsewhere", "stub", STUB_PROPS).replace("spec:\n", "spec:\n  nodeName: node-2\n"));
        fixture.put(Fixture.device("here", "stub", STUB_PROPS).replace("spec:\n", "spec:\n  nodeName: node-1\n"));
        await().atMost(Duration.ofSeconds(3)).until(() -> stub.handlers.size() == 1);
        assertThat(fixture.component.device("elsewhere")).isEmpty();

        fixture.store.delete(io.karedge.api.meta.ObjectKey.of("Device", "default", "here"));
        await().atMost(Duration.ofSeconds(3)).until(() -> stub.openHandlers() == 0);
        assertThat(fixture.component.devices()).isEmpty();
    }

    @Test
    void aDeviceWhoseModelIsMissingWaitsForIt() {
        StubProtocolDriver stub = new StubProtocolDriver();
        fixture.addDriver("stub", stub, 0);
        fixture.put(Fixture.device("m1", "stub", STUB_PROPS).replace("spec:\n", "spec:\n  deviceModelRef: {name: later}\n"));
        await().atMost(Duration.ofSeconds(3)).until(() -> fixture.component.device("m1").isPresent()
                && fixture.device("m1").state() == DeviceRunState.NO_MODEL);
        assertThat(stub.handlers).isEmpty();
        fixture.put("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata: {name: later, namespace: default}
                spec: {protocol: stub, properties: [{name: temperature, type: DOUBLE}]}
                """);
        await().atMost(Duration.ofSeconds(3)).until(() -> fixture.device("m1").state() == DeviceRunState.ONLINE);
        assertThat(fixture.property("default/m1", "temperature").type()).isEqualTo("double");
    }

    private static TwinChange change(String deviceId, TwinOrigin origin, String property, String expected) {
        ObjectNode twin = KaredgeJson.mapper().createObjectNode();
        twin.putObject("expected").put("value", expected);
        return new TwinChange(deviceId, origin,
                Map.of(property, new TwinRecord(deviceId, property, 1, twin, Instant.now())), null, List.of());
    }

    /** Records the property names of every batch read; each property reads its name and a counter. */
    static final class RecordingDriver implements ProtocolDriver {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        @Override
        public DeviceHandler open(Device device, DeviceCallback callback) {
            return new DeviceHandler() {
                private int reads;

                @Override
                public List<PropertyValue> read(List<PropertyRequest> requests) {
                    batches.add(requests.stream().map(PropertyRequest::name).toList());
                    reads++;
                    return requests.stream().map(r -> PropertyValue.of(r.name(), r.name() + "-" + reads, "string"))
                            .toList();
                }

                @Override
                public List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException {
                    throw new DriverException("read-only");
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
