package io.karedge.device.manager.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceProperty;
import io.karedge.api.device.TwinProperty;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinRecord;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverCallStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The desired values of one managed device: which value each property should hold, and writing it. */
final class DesiredValues {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredValues.class);

    private final ManagedDevice device;
    private final Map<String, String> desiredSeen = new ConcurrentHashMap<>();

    DesiredValues(ManagedDevice device) {
        this.device = device;
    }

    /** A desired value seen in the twin (or the spec): written once per change, on the running handler. */
    void changed(String property, String value) {
        PropertySlot slot = device.slots().get(property);
        if (slot == null || value == null) {
            return;
        }
        String previous = desiredSeen.put(property, value);
        slot.desired(value);
        if (value.equals(previous)) {
            return;
        }
        if (!slot.request.writable()) {
            slot.writeResult("not written: the model says the property is not ReadWrite");
            return;
        }
        Binding b = device.binding();
        if (b == null || b.closed || b.handler == null) {
            return;
        }
        b.queue.execute(() -> write(b, List.of(new PropertyWrite(slot.request, value))));
    }

    void writeAll(Binding b) {
        List<PropertyWrite> writes = new ArrayList<>();
        for (PropertySlot slot : device.slots().values()) {
            String value = desiredSeen.get(slot.name());
            if (slot.request.writable() && value != null && !value.isEmpty()) {
                writes.add(new PropertyWrite(slot.request, value));
            }
        }
        if (!writes.isEmpty()) {
            write(b, writes);
        }
    }

    private void write(Binding b, List<PropertyWrite> writes) {
        if (b.closed || b.handler == null) {
            return;
        }
        try {
            List<PropertyValue> results = device.timed(b, DriverCallStatistics.WRITE,
                    () -> device.ctx().guard().call(device.ctx().settings().writeTimeoutMillis(), () -> b.handler.write(writes),
                            () -> device.timedOut(b, "write")));
            List<PropertyValue> held = new ArrayList<>();
            for (PropertyValue result : results) {
                PropertySlot slot = device.slots().get(result.property());
                if (slot == null) {
                    continue;
                }
                if (result.ok()) {
                    slot.writeResult("ok");
                    held.add(result);
                } else {
                    slot.writeResult(result.error());
                    desiredSeen.remove(result.property());
                    device.error("write of " + result.property() + " failed: " + result.error());
                }
            }
            LOG.debug("Wrote {} desired value(s) to {}", writes.size(), device.id());
            device.accept(held, true);
        } catch (Exception e) {
            String message = "write failed: " + ManagedDevice.text(e);
            for (PropertyWrite write : writes) {
                PropertySlot slot = device.slots().get(write.name());
                if (slot != null) {
                    slot.writeResult(message);
                }
                desiredSeen.remove(write.name());
            }
            if (!b.closed && !(e instanceof TimeoutException)) {
                b.driver.failed(device.id() + ": " + message);
                device.error(message);
                device.setState(DeviceRunState.OFFLINE, message, "offline");
            }
        } finally {
            b.hung = false;
        }
    }

    void seed(Device merged) {
        Map<String, TwinRecord> twins = Map.of();
        TwinEngine engine = device.ctx().reporter().engine();
        if (engine != null) {
            try {
                twins = engine.device(device.id()).map(DeviceTwin::twins).orElse(Map.of());
            } catch (RuntimeException e) {
                LOG.debug("Twin of {} not readable", device.id(), e);
            }
        }
        for (PropertySlot slot : device.slots().values()) {
            String value = desiredSeen.get(slot.name());
            if (value == null) {
                TwinRecord record = twins.get(slot.name());
                if (record != null && record.twin().path("expected").path("value").isTextual()) {
                    value = record.twin().path("expected").path("value").asText();
                }
            }
            if (value == null || value.isEmpty()) {
                String spec = desiredOf(merged, slot.name());
                value = spec == null || spec.isEmpty() ? value : spec;
            }
            if (value != null) {
                desiredSeen.put(slot.name(), value);
                slot.desired(value);
            }
        }
    }

    static String desiredOf(Device device, String property) {
        return device.spec().properties().stream().filter(p -> property.equals(p.name())).findFirst()
                .map(DeviceProperty::desired).map(TwinProperty::value).orElse(null);
    }

    static boolean sameExceptDesired(Device a, Device b) {
        return Objects.equals(withoutDesired(a), withoutDesired(b));
    }

    private static Object withoutDesired(Device device) {
        List<DeviceProperty> properties = device.spec().properties().stream()
                .map(p -> new DeviceProperty(p.name(), null, p.visitors(), p.reportToCloud(), p.collectCycle(),
                        p.reportCycle(), p.pushMethod()))
                .toList();
        return List.of(String.valueOf(device.spec().protocol()), properties,
                String.valueOf(device.spec().nodeName()), String.valueOf(device.spec().deviceModelRef()));
    }
}
