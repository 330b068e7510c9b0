package io.karedge.device.manager.internal;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.device.manager.DeviceRunState;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reports driver swaps as {@code driver-swap} tasks: the devices of a protocol whose driver left (a bundle
 * update, a feature replacing the driver) or was outranked by a new one, re-bound one by one. A device counts
 * once its open on the new driver has ended; a device whose open failed ({@code ERROR}) makes the swap fail
 * with the first reason. While no driver for the protocol is there the task waits, up to {@value #WAIT_MILLIS}
 * ms; then it fails and the devices stay {@code PAUSED} until a driver comes. One swap per protocol at a time:
 * a driver leaving again during a swap adds its devices to it. Thread-safe; without a tracker it does nothing.
 */
final class DriverSwaps {

    static final long WAIT_MILLIS = 120_000;

    private Supplier<ProgressTracker> tracker = () -> null;
    private ScheduledExecutorService scheduler;
    private final Map<String, Swap> swaps = new HashMap<>();

    /** One protocol's swap. */
    private final class Swap {
        final String protocol;
        final ProgressTask task;
        final Set<String> waiting = new HashSet<>();
        long total;
        long opened;
        long failed;
        String firstFailure;
        String target;
        ScheduledFuture<?> timeout;

        Swap(String protocol, ProgressTask task) {
            this.protocol = protocol;
            this.task = task;
        }
    }

    /** Reports into the tracker {@code supplier} gives (null: none), waiting on {@code scheduler}. */
    synchronized void track(Supplier<ProgressTracker> supplier, ScheduledExecutorService timer) {
        this.tracker = supplier;
        this.scheduler = timer;
    }

    /** The driver {@code gone} left; {@code deviceIds} were bound to it. Called before they are re-bound. */
    synchronized void driverLeft(DriverEntry gone, Collection<String> deviceIds) {
        Swap swap = swap(gone.protocol(), deviceIds, "driver " + gone.label() + " left");
        if (swap != null) {
            swap.task.phase("driver " + gone.label() + " left; waiting for a driver for protocol " + gone.protocol());
            armTimeout(swap);
        }
    }

    /** The new driver {@code better} outranks the one {@code deviceIds} are bound to. Called before they are re-bound. */
    synchronized void driverOutranks(DriverEntry better, Collection<String> deviceIds) {
        swap(better.protocol(), deviceIds, "driver " + better.label() + " takes over");
    }

    private Swap swap(String protocol, Collection<String> deviceIds, String why) {
        if (deviceIds.isEmpty()) {
            return null;
        }
        Swap swap = swaps.get(protocol);
        if (swap == null) {
            ProgressTracker current = tracker.get();
            if (current == null) {
                return null;
            }
            swap = new Swap(protocol, current.start(ProgressTracker.DRIVER_SWAP, "protocol " + protocol + ": " + why,
                    0, "devices"));
            swaps.put(protocol, swap);
        }
        for (String id : deviceIds) {
            if (swap.waiting.add(id)) {
                swap.total++;
            }
        }
        swap.task.total(swap.total);
        return swap;
    }

    /**
     * A device is bound to {@code driver}.
     *
     * @return what to run once its open has ended, or null when the device is not part of a swap
     */
    synchronized Runnable binding(ManagedDevice device, DriverEntry driver) {
        Swap swap = swaps.get(driver.protocol());
        if (swap == null || !swap.waiting.contains(device.id())) {
            return null;
        }
        if (swap.timeout != null) {
            swap.timeout.cancel(false);
            swap.timeout = null;
        }
        swap.target = driver.label();
        swap.task.phase(rebinding(swap));
        return () -> opened(swap, device);
    }

    private synchronized void opened(Swap swap, ManagedDevice device) {
        if (swaps.get(swap.protocol) != swap || !swap.waiting.remove(device.id())) {
            return;
        }
        swap.opened++;
        if (device.state() == DeviceRunState.ERROR) {
            swap.failed++;
            if (swap.firstFailure == null) {
                swap.firstFailure = device.id() + ": " + device.info().reason();
            }
        }
        swap.task.phase(rebinding(swap));
        swap.task.done(swap.opened);
        endIfDone(swap);
    }

    private static String rebinding(Swap swap) {
        return "opening the devices with " + swap.target + ": " + swap.opened + " of " + swap.total + " re-bound";
    }

    /** The device is gone (deleted, or moved to another node): a swap no longer waits for it. */
    synchronized void forget(String deviceId) {
        for (Swap swap : swaps.values().toArray(Swap[]::new)) {
            if (swap.waiting.remove(deviceId)) {
                swap.total--;
                swap.task.total(swap.total);
                endIfDone(swap);
            }
        }
    }

    private void endIfDone(Swap swap) {
        if (!swap.waiting.isEmpty()) {
            return;
        }
        swaps.remove(swap.protocol);
        if (swap.timeout != null) {
            swap.timeout.cancel(false);
        }
        if (swap.opened == 0) {
            swap.task.succeeded("no device left to re-bind (the devices were removed meanwhile)");
        } else if (swap.failed == 0) {
            swap.task.succeeded(swap.opened + " device(s) re-bound to " + swap.target);
        } else {
            swap.task.failed(swap.failed + " of " + swap.opened + " device(s) did not open with " + swap.target
                    + " (" + swap.firstFailure + ")");
        }
    }

    private void armTimeout(Swap swap) {
        if (scheduler == null || swap.timeout != null) {
            return;
        }
        try {
            swap.timeout = scheduler.schedule(() -> gaveUp(swap), WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the manager is closing
        }
    }

    private synchronized void gaveUp(Swap swap) {
        if (swaps.get(swap.protocol) != swap || swap.timeout == null) {
            return; // re-binding began meanwhile
        }
        swaps.remove(swap.protocol);
        swap.task.failed("no driver for protocol " + swap.protocol + " came within " + WAIT_MILLIS / 1000 + " s; "
                + swap.waiting.size() + " device(s) stay paused until one comes");
    }

    /** The manager closes: running swaps end as failed. */
    synchronized void close() {
        for (Swap swap : swaps.values()) {
            if (swap.timeout != null) {
                swap.timeout.cancel(false);
            }
            swap.task.failed("the device manager stopped");
        }
        swaps.clear();
    }
}
