package io.karedge.device.manager.internal;

import io.karedge.device.driver.PropertyRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The collect cycles of one device: the polled properties grouped by collect cycle, a timer per group that
 * starts at the device's phase, and each tick a read of the group on the binding's queue.
 */
final class CollectCycles {

    /** The longest delay before a device's first read; see {@link #phase}. */
    static final long MAX_PHASE_MILLIS = 1000;

    private final String deviceId;
    private final ScheduledThreadPoolExecutor pool;
    private final BiConsumer<Binding, List<PropertyRequest>> read;
    private final AtomicLong skipped = new AtomicLong();

    /** @param read reads a group on a binding; runs on the binding's queue */
    CollectCycles(String deviceId, ScheduledThreadPoolExecutor pool, BiConsumer<Binding, List<PropertyRequest>> read) {
        this.deviceId = deviceId;
        this.pool = pool;
        this.read = read;
    }

    /** @return the ticks skipped because a call hung or the group's previous read had not run yet */
    long skipped() {
        return skipped.get();
    }

    /** Starts a timer per collect cycle of {@code polled} on {@code b}; unbinding the binding cancels them. */
    void start(Binding b, List<PropertyRequest> polled, Map<String, PropertySlot> slots) {
        Map<Long, List<PropertyRequest>> groups = new TreeMap<>();
        for (PropertyRequest request : polled) {
            PropertySlot slot = slots.get(request.name());
            groups.computeIfAbsent(slot.collectCycle, c -> new ArrayList<>()).add(request);
        }
        groups.forEach((cycle, requests) -> {
            AtomicBoolean inFlight = new AtomicBoolean();
            b.timers.add(pool.scheduleAtFixedRate(() -> tick(b, requests, inFlight), phase(deviceId, cycle),
                    cycle, TimeUnit.MILLISECONDS));
        });
        if (b.closed) {
            b.timers.forEach(timer -> timer.cancel(false));
        }
    }

    /**
     * Where in its cycle a device's group reads: a stable offset from the device's name, below one second and
     * below the cycle. Devices that start together (a node's boot, a manifest of a hundred devices) then read,
     * report and write their twins spread over that second instead of all in the same millisecond.
     */
    static long phase(String deviceId, long cycleMillis) {
        long window = Math.min(cycleMillis, MAX_PHASE_MILLIS);
        return window <= 1 ? 0 : Math.floorMod(deviceId.hashCode() * 0x9E3779B1L, window);
    }

    /**
     * A collect cycle of one group: skipped while a call of this binding hangs, or while the group's
     * previous read has not run yet.
     */
    private void tick(Binding b, List<PropertyRequest> requests, AtomicBoolean inFlight) {
        if (b.closed) {
            return;
        }
        if (b.hung || !inFlight.compareAndSet(false, true)) {
            skipped.incrementAndGet();
            return;
        }
        b.queue.execute(() -> {
            try {
                read.accept(b, requests);
            } finally {
                inFlight.set(false);
            }
        });
    }
}
