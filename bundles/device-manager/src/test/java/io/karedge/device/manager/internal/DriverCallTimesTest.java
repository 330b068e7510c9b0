package io.karedge.device.manager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.Device;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.metrics.HistogramSnapshot;
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
import io.karedge.device.manager.DriverCallStatistics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Driver reads and writes are timed per protocol and operation, and their failures counted. */
class DriverCallTimesTest {

    private static final long READ_MILLIS = 40;

    private final Fixture fixture = new Fixture(ManagerSettings.defaults().withTimeouts(2000, 2000));

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void readsAreTimedAndAFailedWriteIsCounted() {
        SlowDriver driver = new SlowDriver();
        fixture.addDriver("slow", driver, 0);
        fixture.put("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata: {name: valve, namespace: default}
                spec:
                  protocol: slow
                  properties:
                    - {name: position, type: INT, accessMode: ReadWrite}
                """);
        fixture.put("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: v1, namespace: default}
                spec:
                  deviceModelRef: {name: valve}
                  protocol: {protocolName: slow}
                  properties:
                    - {name: position, collectCycle: 100}
                """);
        await().atMost(Duration.ofSeconds(5)).until(() -> driver.reads.get() >= 3);

        fixture.component.twinChanged(change("default/v1", "position", "50"));
        await().atMost(Duration.ofSeconds(5)).until(() -> calls("write").isPresent());

        DriverCallStatistics reads = calls("read").orElseThrow();
        HistogramSnapshot durations = reads.durations();
        assertThat(durations.count()).isGreaterThanOrEqualTo(3);
        assertThat(reads.failures()).isZero();
        assertThat(durations.sumSeconds()).isGreaterThanOrEqualTo(durations.count() * READ_MILLIS / 1000.0);
        double[] bounds = durations.boundsSeconds();
        long[] cumulative = durations.cumulativeCounts();
        for (int i = 0; i < bounds.length && bounds[i] < READ_MILLIS / 1000.0; i++) {
            assertThat(cumulative[i]).as("reads of at least %d ms at or below %s s", READ_MILLIS, bounds[i]).isZero();
        }
        DriverCallStatistics writes = calls("write").orElseThrow();
        // the failed write is tried once more when the next read answers, then not before a pause
        assertThat(writes.durations().count()).isBetween(1L, 2L);
        assertThat(writes.failures()).isEqualTo(writes.durations().count());
        assertThat(fixture.component.driverCalls()).extracting(DriverCallStatistics::protocol)
                .containsOnly("slow");
    }

    private Optional<DriverCallStatistics> calls(String operation) {
        return fixture.component.driverCalls().stream().filter(c -> c.operation().equals(operation)).findFirst();
    }

    private static TwinChange change(String deviceId, String property, String expected) {
        ObjectNode twin = KaredgeJson.mapper().createObjectNode();
        twin.putObject("expected").put("value", expected);
        return new TwinChange(deviceId, TwinOrigin.MQTT,
                Map.of(property, new TwinRecord(deviceId, property, 1, twin, Instant.now())), null, List.of());
    }

    /** Each read takes {@link #READ_MILLIS}; each write fails. */
    static final class SlowDriver implements ProtocolDriver {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public DeviceHandler open(Device device, DeviceCallback callback) {
            return new DeviceHandler() {
                @Override
                public List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException {
                    try {
                        Thread.sleep(READ_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new DriverException("interrupted");
                    }
                    reads.incrementAndGet();
                    return requests.stream().map(r -> PropertyValue.of(r.name(), "1", "int")).toList();
                }

                @Override
                public List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException {
                    throw new DriverException("the valve is stuck");
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
