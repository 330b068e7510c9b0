package io.karedge.protocol.virtual.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * A device-level failure mode from {@code spec.protocol.configData.fail}, to show that a broken driver
 * only harms its own device: {@code throw} (reads throw a runtime exception, like a driver bug),
 * {@code hang} (reads block until the handler is closed or the thread interrupted), {@code offline} (reads
 * fail with a DriverException, like an unreachable device). Absent or {@code none}: no failure.
 */
enum DeviceFailure {
    NONE, THROW, HANG, OFFLINE;

    static DeviceFailure parse(ObjectNode protocolConfig) {
        String text = protocolConfig == null ? "" : protocolConfig.path("fail").asText("").trim();
        if (text.isEmpty()) {
            return NONE;
        }
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.protocol.configData.fail must be one of none, throw, hang, offline, "
                    + "not '" + text + "'");
        }
    }
}
