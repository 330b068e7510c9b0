package io.karedge.device.manager.internal;

import io.karedge.api.device.DesiredValueRules;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceProperty;
import io.karedge.api.device.DriftPause;
import io.karedge.api.device.TwinProperty;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinRecord;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.StateDetail;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverCallStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired values of one managed device: the value each property is driven to, and writing it.
 *
 * <p>The <b>accepted</b> value of a property is the twin's expected value when the twin engine is there
 * (the engine decides between the sources and stores the winner before it is acknowledged), else the
 * Device spec's {@code desired.value} if the model allows it. It is written on every open of a handler
 * (node start, driver installed, updated or reinstalled, device re-opened), whenever it changes, and when
 * the device comes back online. A value whose write failed stays <b>pending</b> and is written again
 * on the next of those occasions.
 *
 * <p>With {@code desired.enforce} on, a writable property whose reading differs from its accepted value after
 * the write of that value was confirmed, while no newer write is pending, is written again
 * ({@link #observed}): the device restarted between two reads, or was changed at its panel. Each property
 * waits a pause between such rewrites ({@link DriftPause}); a device that refuses the write keeps it pending
 * and is not written again until it returns or the value changes.
 */
final class DesiredValues {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredValues.class);

    private final ManagedDevice device;
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** the value of each property whose write is queued and has not run yet */
    private final Map<String, String> queued = new ConcurrentHashMap<>();
    /** the value of each property whose write is running now */
    private final Map<String, String> writing = new ConcurrentHashMap<>();
    /** pause before the next rewrite on return, after rewrites that failed: doubles from 1 s up to 60 s */
    private volatile long rewriteBackoffMillis;
    private volatile long rewriteNotBefore;
    /** the binding on which a rewrite on return waits for the end of that pause, if one does */
    private final AtomicReference<Binding> rewriteDeferred = new AtomicReference<>();
    /** the value of each property whose write the device confirmed last */
    private final Map<String, String> confirmed = new ConcurrentHashMap<>();
    private final Map<String, DriftPause> drift = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong driftRewrites = new java.util.concurrent.atomic.AtomicLong();

    DesiredValues(ManagedDevice device) {
        this.device = device;
    }

    /** @return the accepted desired value of {@code property}, if any */
    Optional<String> accepted(String property) {
        return Optional.ofNullable(accepted.get(property));
    }

    /** A new accepted value (from the twin, or from the spec without a twin engine): written if it is new. */
    void changed(String property, String value) {
        PropertySlot slot = device.slots().get(property);
        if (slot == null || value == null || value.isEmpty()) {
            return;
        }
        String previous = accepted.put(property, value);
        slot.desired(value);
        if (value.equals(previous) && (!pending.contains(property) || value.equals(queued.get(property))
                || value.equals(writing.get(property)))) {
            return; // the same value again while it is written or queued: one write is enough
        }
        if (!slot.request.writable()) {
            slot.writeResult("not written: the model says the property is not ReadWrite");
            return;
        }
        pending.add(property);
        Binding b = device.binding();
        if (b == null || b.closed || b.handler == null) {
            return;
        }
        queued.put(property, value);
        b.queue.execute(() -> {
            writing.put(property, value); // before it leaves the queue: a repeat notice sees it in one of the two
            queued.remove(property, value);
            try {
                write(b, List.of(new PropertyWrite(slot.request, value)));
            } finally {
                writing.remove(property, value);
            }
        });
    }

    /** A changed {@code desired.value} in the Device spec; followed only while no twin engine decides. */
    void specChanged(String property, String value) {
        if (engine() != null) {
            return;
        }
        Optional<String> refusal = DesiredValueRules.problem(device.model(), property, value);
        if (refusal.isPresent()) {
            PropertySlot slot = device.slots().get(property);
            if (slot != null) {
                slot.writeResult("not written: " + refusal.get());
            }
            LOG.warn("Device {}: desired value of {} from the spec is not written: {}", device.id(), property,
                    refusal.get());
            return;
        }
        changed(property, value);
    }

    /**
     * The twin engine arrived, or the wait for it ended without one: the values it holds that differ from the
     * accepted ones, and any value still pending, are written.
     */
    void resync() {
        twinExpected().forEach((property, value) -> {
            if (!value.equals(accepted.get(property))) {
                changed(property, value);
            }
        });
        Binding b = device.binding();
        if (!pending.isEmpty() && b != null && !b.closed && b.handler != null) {
            b.queue.execute(() -> writeAll(b));
        }
    }

    /**
     * Writes every accepted value of a writable property on {@code b}, taking the twin's values first. While
     * the node starts and no twin engine is there yet, nothing is written: the spec's value may be older than
     * the twin's, which is written when the engine arrives ({@link #resync}).
     */
    boolean writeAll(Binding b) {
        if (device.ctx().reporter().awaitingEngine()) {
            device.slots().values().stream().filter(slot -> slot.request.writable()
                    && accepted.get(slot.name()) != null).forEach(slot -> pending.add(slot.name()));
            return true;
        }
        accepted.putAll(twinExpected());
        List<PropertyWrite> writes = new ArrayList<>();
        for (PropertySlot slot : device.slots().values()) {
            String value = accepted.get(slot.name());
            if (value != null) {
                slot.desired(value);
            }
            if (slot.request.writable() && value != null && !value.isEmpty()) {
                writes.add(new PropertyWrite(slot.request, value));
                pending.add(slot.name());
            }
        }
        return writes.isEmpty() || write(b, writes);
    }

    /**
     * The device came back: every accepted value is written again on the running handler. A device that
     * fails the rewrite while it answers reads is rewritten after a pause that doubles from 1 s to 60 s, so it
     * is not written on every collect cycle: a return within the pause is not dropped but waits for its end.
     * A device that was away since ({@link #away}) is rewritten at once.
     */
    void rewriteOnReturn() {
        Binding b = device.binding();
        if (b == null || b.closed || b.handler == null) {
            return;
        }
        long wait = rewriteNotBefore - device.ctx().clock().millis();
        if (wait > 0) {
            deferRewrite(b, wait);
            return;
        }
        b.queue.execute(() -> {
            if (writeAll(b)) {
                rewriteBackoffMillis = 0;
                rewriteNotBefore = 0;
            } else {
                rewriteBackoffMillis = Math.min(60_000, Math.max(1000, rewriteBackoffMillis * 2));
                rewriteNotBefore = device.ctx().clock().millis() + rewriteBackoffMillis;
            }
        });
    }

    /**
     * The device did not answer a read, or its driver reported it gone: it was away, and its next return is
     * written at once. The pause after failed rewrites is for a device that answers reads but fails writes; a
     * rewrite that failed because the device was going away (it answered the read that saw it back, then left)
     * does not delay the rewrite when it is back.
     */
    void away() {
        rewriteBackoffMillis = 0;
        rewriteNotBefore = 0;
    }

    /** One rewrite per binding waits for the pause; it runs if the device is still there then. */
    private void deferRewrite(Binding b, long wait) {
        Binding before = rewriteDeferred.get();
        if (before == b || !rewriteDeferred.compareAndSet(before, b)) {
            return;
        }
        LOG.debug("Device {}: rewriting its desired values in {} ms, after failed rewrites", device.id(), wait);
        try {
            b.timers.removeIf(Future::isDone); // the rewrites that waited before
            b.timers.add(device.ctx().pool().schedule(() -> {
                rewriteDeferred.compareAndSet(b, null);
                if (!b.closed && b == device.binding() && !device.absent()) {
                    rewriteOnReturn();
                }
            }, wait, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            rewriteDeferred.compareAndSet(b, null); // the manager stops
        }
    }

    /** @return how often a drifted value was written again ({@code desired.enforce}) */
    long driftRewrites() {
        return driftRewrites.get();
    }

    /**
     * A reading of {@code property} (a collect cycle's, or a pushed value). When the property is writable, its
     * accepted value was written and confirmed, no newer write is pending, and the reading is not that value
     * (compared by the model's type), the value is written again, paced per property by {@link DriftPause}.
     */
    void observed(String property, String reading) {
        if (!device.ctx().settings().enforceDesired() || reading == null) {
            return;
        }
        PropertySlot slot = device.slots().get(property);
        String value = accepted.get(property);
        if (slot == null || !slot.request.writable() || value == null || value.isEmpty()
                || !value.equals(confirmed.get(property)) || pending.contains(property)
                || queued.containsKey(property) || writing.containsKey(property)) {
            return;
        }
        ManagerSettings settings = device.ctx().settings();
        DriftPause pause = drift.computeIfAbsent(property,
                p -> new DriftPause(settings.enforcePauseMinMillis(), settings.enforcePauseMaxMillis()));
        long now = device.ctx().clock().millis();
        if (DesiredValueRules.reached(slot.request.type(), reading, value)) {
            pause.held(now);
            return;
        }
        Binding b = device.binding();
        if (b == null || b.closed || b.handler == null) {
            return;
        }
        DriftPause.Decision decision = pause.drifted(now);
        if (decision == DriftPause.Decision.WAIT) {
            return;
        }
        driftRewrites.incrementAndGet();
        if (decision == DriftPause.Decision.WRITE_FIRST) {
            LOG.info("Device {}: {} reads {}, not its accepted desired value {}; writing it again", device.id(),
                    property, ManagedDevice.clip(reading), ManagedDevice.clip(value));
        } else {
            LOG.debug("Device {}: {} still reads {}, not {}; writing it again", device.id(), property, reading, value);
        }
        pending.add(property);
        queued.put(property, value);
        b.queue.execute(() -> {
            writing.put(property, value);
            queued.remove(property, value);
            try {
                write(b, List.of(new PropertyWrite(slot.request, value)));
            } finally {
                writing.remove(property, value);
            }
        });
    }

    /**
     * Hands the driver those of {@code writes} that still carry the accepted value, on the binding's queue (so
     * one write of a property never overtakes another). Right before the call, each value is checked against
     * the accepted one (the twin's, else the spec's): a value replaced while it waited is not written, the newer
     * one's own write follows. A device the manager knows to be away ({@link ManagedDevice#absent}) is handed
     * nothing: a driver call that stalls there would land whenever the device is back, possibly after a newer
     * value was accepted; its values stay pending and are written when it returns ({@link #rewriteOnReturn}).
     *
     * @return false when the call failed (threw or timed out), true when the driver answered or was not called
     */
    private boolean write(Binding b, List<PropertyWrite> requested) {
        if (b.closed || b.handler == null) {
            return true;
        }
        if (device.absent()) {
            for (PropertyWrite write : requested) {
                pending.add(write.name());
                PropertySlot slot = device.slots().get(write.name());
                if (slot != null) {
                    slot.writeResult("not written yet: the device is away or has not answered yet; written when it does");
                }
            }
            LOG.debug("Device {} is away; {} desired value(s) wait for its return", device.id(), requested.size());
            return true;
        }
        List<PropertyWrite> writes = stillAccepted(requested);
        if (writes.isEmpty()) {
            return true;
        }
        try {
            List<PropertyValue> results = device.timed(b, DriverCallStatistics.WRITE,
                    () -> device.ctx().guard().call(device.ctx().settings().writeTimeoutMillis(),
                            () -> b.handler.write(writes), () -> device.timedOut(b, "write")));
            List<PropertyValue> held = new ArrayList<>();
            for (PropertyValue result : results) {
                PropertySlot slot = device.slots().get(result.property());
                if (slot == null) {
                    continue;
                }
                if (result.ok()) {
                    slot.writeResult("ok");
                    String written = valueOf(writes, result.property());
                    if (Objects.equals(accepted.get(result.property()), written)) {
                        pending.remove(result.property());
                        confirmed.put(result.property(), written);
                    }
                    held.add(result);
                } else {
                    slot.writeResult(result.error());
                    device.error("write of " + result.property() + " failed: " + result.error());
                }
            }
            LOG.debug("Wrote {} desired value(s) to {}", writes.size(), device.id());
            device.accept(held, true);
            return true;
        } catch (Exception e) {
            String message = "write failed: " + ManagedDevice.text(e);
            for (PropertyWrite write : writes) {
                PropertySlot slot = device.slots().get(write.name());
                if (slot != null) {
                    slot.writeResult(message);
                }
            }
            if (!b.closed && !(e instanceof TimeoutException)) {
                b.driver.failed(device.id() + ": " + message);
                device.error(message);
                device.lostContact();
                device.setState(DeviceRunState.OFFLINE, StateDetail.of(e), ManagedDevice.text(e), "offline");
            }
            return false;
        } finally {
            b.hung = false;
        }
    }

    /**
     * @return the writes whose value is still the accepted one. Listeners hear of a twin change after it is
     *         stored, possibly late, so the twin is asked; without a value there, the accepted value kept here.
     */
    private List<PropertyWrite> stillAccepted(List<PropertyWrite> writes) {
        Map<String, String> twins = twinExpected();
        List<PropertyWrite> current = new ArrayList<>(writes.size());
        for (PropertyWrite write : writes) {
            String value = twins.getOrDefault(write.name(), accepted.get(write.name()));
            if (value == null || value.equals(write.value())) {
                current.add(write);
            } else {
                LOG.debug("Desired {} of {}/{} was replaced by {}; not written", ManagedDevice.clip(write.value()),
                        device.id(), write.name(), ManagedDevice.clip(value));
            }
        }
        return current;
    }

    private static String valueOf(List<PropertyWrite> writes, String property) {
        return writes.stream().filter(w -> w.name().equals(property)).map(PropertyWrite::value).findFirst()
                .orElse(null);
    }

    /** Seeds the accepted values of a (re)applied spec: the twin's, else the spec's where the model allows. */
    void seed(Device merged) {
        Map<String, String> twins = twinExpected();
        boolean engine = engine() != null;
        for (PropertySlot slot : device.slots().values()) {
            String value = twins.get(slot.name());
            if (value == null && !engine && !accepted.containsKey(slot.name())) {
                String spec = desiredOf(merged, slot.name());
                if (spec != null && !spec.isEmpty()
                        && DesiredValueRules.problem(device.model(), slot.name(), spec).isEmpty()) {
                    value = spec;
                }
            }
            if (value == null) {
                value = accepted.get(slot.name());
            }
            if (value != null) {
                accepted.put(slot.name(), value);
                slot.desired(value);
            }
        }
    }

    private TwinEngine engine() {
        return device.ctx().reporter().engine();
    }

    /** @return the twin's non-empty expected values of this device, empty without a twin engine */
    private Map<String, String> twinExpected() {
        TwinEngine engine = engine();
        if (engine == null) {
            return Map.of();
        }
        Map<String, TwinRecord> twins;
        try {
            twins = engine.device(device.id()).map(DeviceTwin::twins).orElse(Map.of());
        } catch (RuntimeException e) {
            LOG.debug("Twin of {} not readable", device.id(), e);
            return Map.of();
        }
        Map<String, String> values = new java.util.HashMap<>();
        twins.forEach((property, record) -> {
            var expected = record.twin().path("expected").path("value");
            if (expected.isTextual() && !expected.asText().isEmpty()
                    && !"deleted".equals(record.twin().path("metadata").path("type").asText())) {
                values.put(property, expected.asText());
            }
        });
        return values;
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
