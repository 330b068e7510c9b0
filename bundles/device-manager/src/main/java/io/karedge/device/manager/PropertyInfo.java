package io.karedge.device.manager;

import java.time.Instant;

/**
 * One property of a running device.
 *
 * @param name          the property name
 * @param type          the model's type, lower case ({@code string} when the model does not say)
 * @param writable      whether desired values are written (model access mode ReadWrite)
 * @param pushed        whether the driver pushes it instead of being polled
 * @param collectCycle  read period in milliseconds
 * @param reportCycle   report period in milliseconds
 * @param reportToCloud whether values go to the twin
 * @param value         the last value read, or {@code null}
 * @param readAt        when it was read, or {@code null}
 * @param error         the error of the last read of this property, or {@code null}
 * @param reportedAt    when a value was last reported to the twin, or {@code null}
 * @param desired       the last desired value seen, or {@code null}
 * @param writeResult   the outcome of the last write ({@code ok} or the error), or {@code null}
 */
public record PropertyInfo(String name, String type, boolean writable, boolean pushed, long collectCycle,
                           long reportCycle, boolean reportToCloud, String value, Instant readAt, String error,
                           Instant reportedAt, String desired, String writeResult) {
}
