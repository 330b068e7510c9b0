package io.karedge.metrics.internal;

import io.karedge.device.driver.StateDetail;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverCallStatistics;
import io.karedge.device.manager.DriverInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Devices by state and protocol, their driver reads and failures, the drivers with their errors, and the
 * duration of driver reads and writes per protocol.
 */
@Component(service = NodeCollector.class, property = "karedge.optional.part=device manager")
public class DeviceMetrics implements NodeCollector {

    private final DeviceManagerStatus manager;

    @Activate
    public DeviceMetrics(@Reference(name = "deviceManager") DeviceManagerStatus manager) {
        this.manager = manager;
    }

    /**
     * Devices whose state has a reason, by its detail and protocol: every detail but {@code none} for every
     * protocol seen (zeros included), so the series count stays bounded by the closed set of details.
     */
    private static void deviceDetails(MetricFamilies families, List<DeviceInfo> devices) {
        Map<String, long[]> byProtocol = new TreeMap<>();
        for (DeviceInfo device : devices) {
            byProtocol.computeIfAbsent(device.protocol() == null ? "" : device.protocol(),
                    p -> new long[StateDetail.values().length])[device.detail().ordinal()]++;
        }
        MetricFamilies.Gauge details = families.gauge("karedge_device_state_details",
                "Devices whose state has a reason (offline, error), by the reason's detail and protocol");
        byProtocol.forEach((protocol, counts) -> {
            for (StateDetail detail : StateDetail.values()) {
                if (detail != StateDetail.NONE) {
                    details.add(counts[detail.ordinal()], "detail", detail.wireName(), "protocol", protocol);
                }
            }
        });
        details.done();
    }

    @Override
    public void collect(MetricFamilies families) {
        List<DeviceInfo> devices = manager.devices();
        Map<String, long[]> byProtocol = new TreeMap<>();
        for (DeviceInfo device : devices) {
            byProtocol.computeIfAbsent(device.protocol() == null ? "" : device.protocol(),
                    p -> new long[DeviceRunState.values().length])[device.state().ordinal()]++;
        }
        MetricFamilies.Gauge states = families.gauge("karedge_devices", "Devices by state and protocol");
        byProtocol.forEach((protocol, counts) -> {
            for (DeviceRunState state : DeviceRunState.values()) {
                states.add(counts[state.ordinal()], "state", state.name().toLowerCase(Locale.ROOT), "protocol", protocol);
            }
        });
        states.done();
        deviceDetails(families, devices);
        MetricFamilies.Counter reads = families.counter("karedge_device_reads", "Driver reads of a device's properties");
        MetricFamilies.Counter failed = families.counter("karedge_device_read_failures", "Driver reads that failed");
        MetricFamilies.Counter rewrites = families.counter("karedge_device_desired_rewrites",
                "Desired values written again because the device read another value after their write was confirmed");
        for (DeviceInfo device : devices) {
            reads.add(device.reads(), "device", device.id());
            failed.add(device.failedReads(), "device", device.id());
            rewrites.add(device.desiredRewrites(), "device", device.id());
        }
        reads.done();
        failed.done();
        rewrites.done();

        MetricFamilies.Gauge drivers = families.gauge("karedge_drivers",
                "Registered protocol drivers; active=false for one standing by");
        MetricFamilies.Gauge bound = families.gauge("karedge_driver_devices", "Devices bound to a driver");
        MetricFamilies.Counter errors = families.counter("karedge_driver_errors", "Failed driver calls");
        for (DriverInfo driver : manager.drivers()) {
            String[] labels = {"protocol", driver.protocol(), "bundle", driver.bundle()};
            drivers.add(1, "protocol", driver.protocol(), "bundle", driver.bundle(), "version", driver.version(),
                    "active", Boolean.toString(driver.active()));
            bound.add(driver.devices(), labels);
            errors.add(driver.errors(), labels);
        }
        drivers.done();
        bound.done();
        errors.done();

        MetricFamilies.Histogram durations = families.histogram("karedge_driver_call_duration_seconds",
                "Duration of driver calls made by the device manager (read: a collect cycle's read; write:"
                        + " desired values), failed ones included");
        MetricFamilies.Counter callFailures = families.counter("karedge_driver_call_failures",
                "Driver calls that threw or did not answer within their timeout");
        for (DriverCallStatistics calls : manager.driverCalls()) {
            String[] labels = {"protocol", calls.protocol(), "operation", calls.operation()};
            durations.add(calls.durations(), labels);
            callFailures.add(calls.failures(), labels);
        }
        durations.done();
        callFailures.done();
    }
}
