package io.karedge.device.manager.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceIds;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.device.DeviceModelMerge;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.twin.TwinEngine;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceRunState;
import io.karedge.device.manager.DriverCallStatistics;
import io.karedge.device.manager.DriverInfo;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device manager without OSGi: member devices and models in, drivers in, devices bound to the best
 * driver of their protocol. Every change of that world runs on one serial control queue on the shared
 * scheduler, so the bookkeeping needs no locks; the inputs may come from any thread and only enqueue.
 */
final class DeviceManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceManager.class);

    /** What a device needs from its manager. */
    record Context(ScheduledThreadPoolExecutor pool, CallGuard guard, ManagerSettings settings,
                   TwinReporter reporter, PushTargets pushes, Clock clock, DriverCallTimes calls) {
    }

    private final Context ctx;
    private final String nodeName;
    private final SerialQueue control;
    private final List<DriverEntry> drivers = new CopyOnWriteArrayList<>();
    private final Map<String, Device> specs = new HashMap<>();
    private final Map<String, DeviceModel> models = new HashMap<>();
    private final Map<String, ManagedDevice> devices = new ConcurrentHashMap<>();
    private final DriverSwaps swaps = new DriverSwaps();
    private volatile boolean closed;

    DeviceManager(ManagerSettings settings, String nodeName, Supplier<TwinEngine> twinEngine, Clock clock) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(settings.threads(), threads());
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.ctx = new Context(pool, new CallGuard(pool, settings.maxHungThreads()), settings,
                new TwinReporter(twinEngine, clock, settings.twinWaitMillis()), new PushTargets(pool), clock,
                new DriverCallTimes());
        this.nodeName = nodeName == null ? "" : nodeName;
        this.control = new SerialQueue(pool, "device manager");
        if (settings.twinWaitMillis() > 0) {
            pool.schedule(() -> {
                if (twinEngine.get() == null && !closed) {
                    LOG.info("No twin engine within {} ms; devices are driven to the desired values of their specs",
                            settings.twinWaitMillis());
                    control.execute(() -> devices.values().forEach(ManagedDevice::twinEngineArrived));
                }
            }, settings.twinWaitMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "karedge-device-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    ScheduledThreadPoolExecutor pool() {
        return ctx.pool();
    }

    CallGuard guard() {
        return ctx.guard();
    }

    /** @return the driver reads and writes so far, per protocol and operation */
    List<DriverCallStatistics> driverCalls() {
        return ctx.calls().snapshot();
    }

    String nodeName() {
        return nodeName;
    }

    /** Reports driver swaps into the tracker {@code tracker} gives, when it gives one. */
    void trackSwapsWith(Supplier<ProgressTracker> tracker) {
        swaps.track(tracker, ctx.pool());
    }

    // ---- inputs, from any thread -------------------------------------------------------------------

    void deviceChanged(Device device) {
        control.execute(() -> onDevice(device));
    }

    void deviceDeleted(String id) {
        control.execute(() -> {
            specs.remove(id);
            swaps.forget(id);
            ManagedDevice managed = devices.remove(id);
            if (managed != null) {
                managed.remove();
                LOG.info("Device {} removed", id);
            }
        });
    }

    void modelChanged(DeviceModel model) {
        String key = DeviceIds.of(model.metadata().getNamespace(), model.metadata().getName());
        control.execute(() -> {
            models.put(key, model);
            reconcileModel(key);
        });
    }

    void modelDeleted(String key) {
        control.execute(() -> {
            models.remove(key);
            reconcileModel(key);
        });
    }

    void driverAdded(DriverEntry entry) {
        control.execute(() -> {
            drivers.add(entry);
            LOG.info("Protocol driver added: {}", entry);
            swaps.driverOutranks(entry, devices.values().stream()
                    .filter(d -> entry.protocol().equals(d.protocol()) && d.driver() != null && waitingOrOutranked(d))
                    .map(ManagedDevice::id).toList());
            for (ManagedDevice device : devices.values()) {
                if (entry.protocol().equals(device.protocol()) && waitingOrOutranked(device)) {
                    bindBest(device, null);
                }
            }
        });
    }

    void driverRemoved(long serviceId) {
        control.execute(() -> {
            DriverEntry gone = drivers.stream().filter(d -> d.serviceId() == serviceId).findFirst().orElse(null);
            if (gone == null) {
                return;
            }
            drivers.remove(gone);
            LOG.info("Protocol driver removed: {}", gone);
            swaps.driverLeft(gone, devices.values().stream().filter(d -> d.driver() == gone).map(ManagedDevice::id)
                    .toList());
            for (ManagedDevice device : devices.values()) {
                if (device.driver() == gone) {
                    bindBest(device, gone);
                }
            }
        });
    }

    /** A desired value from the twin; written at once on the device's own queue. */
    void desiredChanged(String deviceId, String property, String value) {
        ManagedDevice device = devices.get(deviceId);
        if (device != null) {
            device.desiredChanged(property, value);
        }
    }

    /** The twin engine arrived: every device takes the desired values it holds. */
    void twinEngineArrived() {
        control.execute(() -> devices.values().forEach(ManagedDevice::twinEngineArrived));
    }

    /** @return a latch that opens once everything enqueued so far on the control queue has run */
    CountDownLatch barrier() {
        CountDownLatch latch = new CountDownLatch(1);
        control.execute(latch::countDown);
        return latch;
    }

    // ---- control queue -----------------------------------------------------------------------------

    private void onDevice(Device device) {
        String id = device.id();
        if (!isMember(device)) {
            specs.remove(id);
            swaps.forget(id);
            ManagedDevice managed = devices.remove(id);
            if (managed != null) {
                managed.remove();
                LOG.info("Device {} is assigned to node '{}', not to this node; stopped", id,
                        device.spec().nodeName());
            }
            return;
        }
        specs.put(id, device);
        reconcile(id);
    }

    boolean isMember(Device device) {
        String assigned = device.spec() == null ? null : device.spec().nodeName();
        return assigned == null || assigned.isBlank() || assigned.equals(nodeName);
    }

    private void reconcileModel(String modelKey) {
        for (Device spec : List.copyOf(specs.values())) {
            if (modelKey.equals(modelKey(spec))) {
                reconcile(spec.id());
            }
        }
    }

    private static String modelKey(Device device) {
        return device.modelName().isEmpty() ? "" : DeviceIds.of(device.metadata().getNamespace(), device.modelName());
    }

    private void reconcile(String id) {
        Device raw = specs.get(id);
        if (raw == null || closed) {
            return;
        }
        ManagedDevice managed = devices.computeIfAbsent(id, key -> new ManagedDevice(key, ctx));
        String modelKey = modelKey(raw);
        DeviceModel model = modelKey.isEmpty() ? null : models.get(modelKey);
        if (!modelKey.isEmpty() && model == null) {
            managed.apply(raw, null);
            managed.waitFor(DeviceRunState.NO_MODEL, "waiting for DeviceModel " + modelKey);
            return;
        }
        Device merged = DeviceModelMerge.merge(raw, model);
        if (managed.apply(merged, model)) {
            bindBest(managed, null);
        }
    }

    private void bindBest(ManagedDevice device, DriverEntry left) {
        String protocol = device.protocol();
        Optional<DriverEntry> best = best(protocol);
        if (best.isPresent()) {
            if (best.get() != device.driver()) {
                device.bind(best.get(), swaps.binding(device, best.get()));
            }
        } else if (left != null) {
            device.waitFor(DeviceRunState.PAUSED, "driver " + left.label() + " left; waiting for a driver for protocol "
                    + protocol);
        } else {
            device.waitFor(DeviceRunState.NO_DRIVER, protocol.isEmpty()
                    ? "the device names no protocol (spec.protocol.protocolName)"
                    : "waiting for a driver for protocol " + protocol);
        }
    }

    private boolean waitingOrOutranked(ManagedDevice device) {
        DeviceRunState state = device.state();
        if (state == DeviceRunState.NO_MODEL) {
            return false;
        }
        DriverEntry bound = device.driver();
        return bound == null || best(device.protocol()).map(b -> b != bound).orElse(false);
    }

    /** The selection rule: highest service.ranking, then lowest service.id. */
    Optional<DriverEntry> best(String protocol) {
        return drivers.stream().filter(d -> d.protocol().equals(protocol)).min(DriverEntry.SELECTION);
    }

    // ---- status ------------------------------------------------------------------------------------

    List<DriverInfo> driverInfos() {
        return drivers.stream()
                .sorted(Comparator.comparing(DriverEntry::protocol).thenComparing(DriverEntry.SELECTION))
                .map(d -> new DriverInfo(d.protocol(), d.bundle(), d.version(), d.serviceId(), d.ranking(),
                        best(d.protocol()).map(b -> b == d).orElse(false),
                        (int) devices.values().stream().filter(m -> m.driver() == d).count(), d.errors(),
                        d.lastError(), d.abilities()))
                .toList();
    }

    List<DeviceInfo> deviceInfos() {
        return devices.values().stream().map(ManagedDevice::info).sorted(Comparator.comparing(DeviceInfo::id)).toList();
    }

    Optional<DeviceInfo> deviceInfo(String id) {
        String key = id.contains("/") ? id : DeviceIds.of("default", id);
        ManagedDevice device = devices.get(key);
        return device == null ? Optional.empty() : Optional.of(device.info());
    }

    @Override
    public void close() {
        closed = true;
        swaps.close();
        CountDownLatch done = new CountDownLatch(1);
        control.execute(() -> {
            devices.values().forEach(ManagedDevice::remove);
            done.countDown();
        });
        long wait = ctx.settings().closeTimeoutMillis();
        try {
            done.await(wait, TimeUnit.MILLISECONDS);
            ctx.pool().shutdown();
            if (!ctx.pool().awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                LOG.warn("Some driver calls did not end within {} ms; interrupting them", wait);
                ctx.pool().shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.pool().shutdownNow();
        }
        ctx.pushes().close();
    }
}
