package io.karedge.protocol.virtual.internal;

import io.karedge.device.driver.ConfigKey;
import java.util.Locale;

/**
 * A device-level failure mode from {@code spec.protocol.configData.fail}, to show that a broken driver
 * only harms its own device: {@code throw} (reads throw a runtime exception, like a driver bug),
 * {@code hang} (reads block until the handler is closed or the thread interrupted), {@code offline} (reads
 * fail with a DriverException, like an unreachable device). Absent or {@code none}: no failure.
 */
enum DeviceFailure {
    NONE, THROW, HANG, OFFLINE;

    /** The device's {@code spec.protocol.configData}. */
    record Protocol(@ConfigKey("fail") DeviceFailure failure) {
        static final Protocol DEFAULTS = new Protocol(NONE);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
