package io.karedge.device.manager.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.device.DeviceProperty;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.PushingHandler;
import io.karedge.device.driver.StateDetail;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverCallStatistics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device of this node and its binding to a driver. The manager's control queue calls
 * {@link #apply}, {@link #bind}, {@link #waitFor} and {@link #remove}; every driver call runs on the
 * binding's own {@link SerialQueue}, so calls for one handler never overlap. A replaced binding gets a new
 * queue: a call that still hangs on the old handler does not hold up the new one.
 */
final class ManagedDevice {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedDevice.class);

    private final String id;
    private final DeviceManager.Context ctx;
    private volatile Device device;
    private volatile DeviceModel model;
    private volatile Map<String, PropertySlot> slots = Map.of();
    private final DesiredValues desired = new DesiredValues(this);
    private volatile Binding binding;
    private final RunStatus status;
    /** went offline because reads failed or the driver said so: its desired values are written on return */
    private volatile boolean lostContact;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong failedReads = new AtomicLong();
    private final CollectCycles cycles;

    ManagedDevice(String id, DeviceManager.Context ctx) {
        this.id = id;
        this.ctx = ctx;
        this.status = new RunStatus(id, ctx);
        this.cycles = new CollectCycles(id, ctx.pool(), this::read);
    }

    String id() {
        return id;
    }

    DeviceModel model() {
        return model;
    }

    /** The twin engine arrived: its accepted desired values are taken and written where they differ. */
    void twinEngineArrived() {
        desired.resync();
    }

    DeviceManager.Context ctx() {
        return ctx;
    }

    Map<String, PropertySlot> slots() {
        return slots;
    }

    /** @return the current binding, or null */
    Binding binding() {
        return binding;
    }

    Device device() {
        return device;
    }

    String protocol() {
        Device current = device;
        return current == null ? "" : current.protocolName();
    }

    DriverEntry driver() {
        Binding current = binding;
        return current == null || current.closed ? null : current.driver;
    }

    DeviceRunState state() {
        return status.state();
    }

    /**
     * Takes a new (merged) spec. Returns false when only desired values changed: those are written on the
     * running handler and nothing is reopened. Returns true when the caller must (re)bind.
     */
    boolean apply(Device merged, DeviceModel newModel) {
        Device old = device;
        if (old != null && binding != null && !binding.closed && DesiredValues.sameExceptDesired(old, merged)
                && Objects.equals(model, newModel)) {
            device = merged;
            for (DeviceProperty property : merged.spec().properties()) {
                String before = DesiredValues.desiredOf(old, property.name());
                String after = property.desired() == null ? null : property.desired().value();
                if (after != null && !after.equals(before)) {
                    desired.specChanged(property.name(), after);
                }
            }
            return false;
        }
        unbind();
        device = merged;
        model = newModel;
        Map<String, PropertySlot> newSlots = new LinkedHashMap<>();
        for (PropertyRequest request : PropertyRequest.of(merged, newModel)) {
            newSlots.put(request.name(), new PropertySlot(request, ctx.settings()));
        }
        slots = newSlots;
        desired.seed(merged);
        return true;
    }

    /** Binds to a driver: validate, open, start the cycles (on the binding's queue). */
    void bind(DriverEntry driver) {
        bind(driver, null);
    }

    /** Binds to a driver, then runs {@code opened} (if not null) once the open has ended, well or not. */
    void bind(DriverEntry driver, Runnable opened) {
        unbind();
        Binding fresh = new Binding(driver, ctx.pool(), id);
        binding = fresh;
        setState(DeviceRunState.STARTING, "opening with " + driver.label(), null);
        fresh.queue.execute(() -> {
            try {
                open(fresh);
            } finally {
                if (opened != null) {
                    opened.run();
                }
            }
        });
    }

    /** Unbinds and waits: for a driver ({@code NO_DRIVER}, {@code PAUSED}) or a model ({@code NO_MODEL}). */
    void waitFor(DeviceRunState waiting, String why) {
        unbind();
        setState(waiting, why, "unknown");
    }

    void remove() {
        unbind();
    }

    /** Stops the cycles and closes the handler on its queue, bounded by close.timeout.ms. Never blocks. */
    private void unbind() {
        Binding current = binding;
        binding = null;
        if (current == null || current.closed) {
            return;
        }
        current.closed = true;
        current.timers.forEach(timer -> timer.cancel(false));
        Runnable closeTask = () -> {
            DeviceHandler handler = current.handler;
            if (handler == null) {
                return;
            }
            try {
                ctx.guard().call(ctx.settings().closeTimeoutMillis(), () -> {
                    handler.close();
                    return null;
                }, () -> LOG.warn("Closing {} on {} takes longer than {} ms; abandoning it", id,
                        current.driver.label(), ctx.settings().closeTimeoutMillis()));
            } catch (Exception e) {
                current.driver.failed("close of " + id + ": " + e.getMessage());
                LOG.warn("Closing {} on {} failed: {}", id, current.driver.label(), e.toString());
            }
        };
        if (current.hung) {
            // the queue is stuck behind a hung call: close now, beside it, as the SPI allows
            ctx.pool().execute(closeTask);
        } else {
            current.queue.execute(closeTask);
        }
    }

    private void open(Binding b) {
        if (b.closed) {
            return;
        }
        Device current = device;
        long timeout = ctx.settings().readTimeoutMillis();
        try {
            ctx.guard().call(timeout, () -> {
                b.driver.driver().validate(current);
                return null;
            }, () -> { });
        } catch (IllegalArgumentException e) {
            String message = "invalid configData: " + text(e);
            b.driver.failed(id + ": " + message);
            error(message);
            setState(DeviceRunState.ERROR, StateDetail.CONFIGURATION_ERROR, message, "unhealthy");
            return;
        } catch (Exception | LinkageError e) {
            failOpen(b, StateDetail.of(e), "validate failed: " + text(e));
            return;
        }
        DeviceHandler handler;
        try {
            handler = ctx.guard().call(timeout, () -> b.driver.driver().open(current, new HandlerCallback(this, b)),
                    () -> { });
        } catch (Exception | LinkageError e) {
            failOpen(b, StateDetail.of(e), "open failed: " + text(e));
            return;
        }
        if (handler == null) {
            failOpen(b, StateDetail.DRIVER_ERROR, "open returned no handler");
            return;
        }
        b.handler = handler;
        if (b.closed) {
            unbindLater(b);
            return;
        }
        List<PropertyRequest> polled = subscribe(b, handler);
        // a device with properties to poll gets its desired values once it answered its first read, as on a
        // return: a write handed to a driver that cannot reach the device may stall there, and land after a
        // newer value was accepted. Without reads nothing would tell: written now.
        lostContact = !polled.isEmpty();
        desired.away();
        desired.writeAll(b);
        cycles.start(b, polled, slots);
        if (polled.isEmpty() && state() == DeviceRunState.STARTING) {
            setState(DeviceRunState.ONLINE, "opened with " + b.driver.label() + "; nothing to poll", "online");
        }
    }

    private void failOpen(Binding b, StateDetail why, String message) {
        b.driver.failed(id + ": " + message);
        error(message);
        setState(DeviceRunState.ERROR, why, message, "unhealthy");
    }

    private void unbindLater(Binding b) {
        DeviceHandler handler = b.handler;
        if (handler != null) {
            try {
                handler.close();
            } catch (RuntimeException e) {
                LOG.debug("close of {} failed", id, e);
            }
        }
    }

    private List<PropertyRequest> subscribe(Binding b, DeviceHandler handler) {
        List<PropertyRequest> all = slots.values().stream().map(s -> s.request).toList();
        if (!(handler instanceof PushingHandler pushing) || all.isEmpty()) {
            return all;
        }
        try {
            List<PropertyRequest> accepted = ctx.guard().call(ctx.settings().readTimeoutMillis(),
                    () -> pushing.subscribe(all), () -> { });
            List<String> names = accepted == null ? List.of() : accepted.stream().map(PropertyRequest::name).toList();
            slots.values().stream().filter(s -> names.contains(s.name())).forEach(PropertySlot::markPushed);
            return all.stream().filter(r -> !names.contains(r.name())).toList();
        } catch (Exception e) {
            b.driver.failed(id + ": subscribe failed: " + text(e));
            LOG.warn("Subscription of {} failed, polling every property: {}", id, text(e));
            return all;
        }
    }

    private void read(Binding b, List<PropertyRequest> requests) {
        if (b.closed || b.handler == null) {
            return;
        }
        long timeout = ctx.settings().readTimeoutMillis();
        try {
            List<PropertyValue> values = timed(b, DriverCallStatistics.READ,
                    () -> ctx.guard().call(timeout, () -> b.handler.read(requests), () -> timedOut(b, "read")));
            if (b.closed) {
                return;
            }
            reads.incrementAndGet();
            accept(values, false);
            if (state() != DeviceRunState.ONLINE) {
                boolean back = absent();
                boolean wasOffline = state() == DeviceRunState.OFFLINE;
                lostContact = false;
                setState(DeviceRunState.ONLINE, "reading with " + b.driver.label(), "online");
                if (back) {
                    if (wasOffline) {
                        LOG.info("Device {} is back online; writing its accepted desired values again", id);
                    }
                    desired.rewriteOnReturn();
                }
            }
        } catch (TimeoutException e) {
            failedReads.incrementAndGet();
            desired.away();
            if (!b.closed) {
                LOG.warn("Read of {} on {}: {}", id, b.driver.label(), e.getMessage());
            }
        } catch (Exception | LinkageError e) {
            failedReads.incrementAndGet();
            if (b.closed) {
                return;
            }
            desired.away();
            String message = "read failed: " + text(e);
            StateDetail why = StateDetail.of(e);
            b.driver.failed(id + ": " + message);
            error(message);
            if (state() != DeviceRunState.OFFLINE) {
                LOG.info("Device {} is offline ({}): {}", id, why.label(), message);
            }
            lostContact = true;
            setState(DeviceRunState.OFFLINE, why, text(e), "offline");
        } finally {
            b.hung = false;
        }
    }

    /** Runs a driver call, recording its duration and whether it failed under its protocol and operation. */
    <T> T timed(Binding b, String operation, Callable<T> call) throws Exception {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.call();
            failed = false;
            return result;
        } finally {
            ctx.calls().record(b.driver.protocol(), operation, start, failed);
        }
    }

    void timedOut(Binding b, String what) {
        b.hung = true;
        if (b.closed) {
            return;
        }
        String message = what + " did not return within " + ctx.settings().readTimeoutMillis()
                + " ms; cycles are skipped until it returns";
        lostContact = true;
        b.driver.failed(id + ": " + message);
        error(message);
        setState(DeviceRunState.OFFLINE, StateDetail.TIMEOUT, message, "offline");
    }

    /** Records readings; reports those that are due to the twin, and pushes those that are due. */
    void accept(List<PropertyValue> values, boolean force) {
        Instant now = ctx.clock().instant();
        List<PropertyValue> twin = new ArrayList<>();
        Map<String, PropertySlot> current = slots;
        for (PropertyValue value : values) {
            PropertySlot slot = current.get(value.property());
            if (slot == null) {
                continue;
            }
            PropertySlot.Outcome outcome = slot.record(value, now, force);
            if (!force && value.ok()) {
                desired.observed(value.property(), value.value());
            }
            if (outcome.reportTwin()) {
                twin.add(outcome.value());
            }
            if (outcome.push()) {
                push(slot, outcome.value());
            }
        }
        if (!twin.isEmpty()) {
            ctx.reporter().reportValues(id, twin);
        }
    }

    private void push(PropertySlot slot, PropertyValue value) {
        Device current = device;
        PushTargets.Reading reading = new PushTargets.Reading(current.metadata().getNamespace(),
                current.metadata().getName(), value.property(), value.value(), value.type(), value.timestamp());
        ctx.pushes().push(slot.pushMethod, reading).whenComplete((error, failure) -> {
            if (error != null) {
                LOG.debug("Push of {}/{}: {}", id, value.property(), error);
                error(error);
            }
        });
    }

    /** A desired value seen in the twin (or the spec): written once per change, on the running handler. */
    void desiredChanged(String property, String value) {
        desired.changed(property, value);
    }

    /** A call failed for want of the device: its desired values are written again when it answers. */
    void lostContact() {
        lostContact = true;
    }

    /**
     * @return whether the device is offline because the manager noticed it gone, or a handler was just opened
     *         and the device has not answered a read yet: its desired values wait for its first good read
     */
    boolean absent() {
        DeviceRunState state = state();
        return lostContact && (state == DeviceRunState.OFFLINE || state == DeviceRunState.STARTING);
    }

    /** The driver says the device is online: when it was absent, its desired values are written again. */
    void reportedOnline(String why, String wire) {
        boolean back = absent();
        lostContact = false;
        setState(DeviceRunState.ONLINE, StateDetail.NONE, why, wire);
        if (back) {
            desired.rewriteOnReturn();
        }
    }

    /** The driver says the device is gone. */
    void reportedOffline(StateDetail detail, String why, String wire) {
        lostContact = true;
        desired.away();
        error(why);
        setState(DeviceRunState.OFFLINE, detail, why, wire);
    }

    /** The device may have restarted unnoticed: its accepted desired values are written again. */
    void rewriteDesired() {
        desired.rewriteOnReturn();
    }

    /** A state without a detail: online, starting, or waiting for a driver or a model. */
    void setState(DeviceRunState newState, String why, String wire) {
        setState(newState, StateDetail.NONE, why, wire);
    }

    void setState(DeviceRunState newState, StateDetail newDetail, String why, String wire) {
        status.set(newState, newDetail, why, wire, device != null);
    }

    void error(String message) {
        status.error(message);
    }

    /** A value as a log line shows it: at most 40 characters. */
    static String clip(String value) {
        return value == null || value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }

    static String text(Throwable e) {
        Throwable shown = e;
        if (e instanceof java.util.concurrent.ExecutionException && e.getCause() != null) {
            shown = e.getCause();
        }
        return shown.getMessage() == null || shown.getMessage().isBlank()
                ? shown.getClass().getSimpleName() : shown.getMessage();
    }

    DeviceInfo info() {
        Device current = device;
        Binding b = binding;
        String nodeName = current == null || current.spec() == null || current.spec().nodeName() == null
                ? "" : current.spec().nodeName();
        return new DeviceInfo(id, current == null ? "" : current.protocolName(),
                current == null ? "" : current.modelName(), nodeName, status.state(), status.reason(), status.since(),
                b == null || b.closed ? "" : b.driver.label(), status.lastError(), status.lastErrorAt(), reads.get(),
                failedReads.get(), cycles.skipped(), slots.values().stream().map(PropertySlot::info).toList(),
                desired.driftRewrites(), status.detail());
    }
}
