package io.karedge.device.manager.internal;

import io.karedge.device.driver.DeviceHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** One handler of a device, on one driver, with its own serial queue. */
final class Binding {
    final DriverEntry driver;
    final SerialQueue queue;
    final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
    volatile DeviceHandler handler;
    /** a call of this binding overran its timeout and has not returned yet */
    volatile boolean hung;
    volatile boolean closed;

    Binding(DriverEntry driver, ScheduledThreadPoolExecutor pool, String deviceId) {
        this.driver = driver;
        this.queue = new SerialQueue(pool, deviceId);
    }
}
