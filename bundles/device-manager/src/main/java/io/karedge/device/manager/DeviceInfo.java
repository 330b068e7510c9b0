package io.karedge.device.manager;

import io.karedge.device.driver.StateDetail;
import java.time.Instant;
import java.util.List;

/**
 * One device as the device manager runs it.
 *
 * @param id           {@code <namespace>/<name>}
 * @param protocol     {@code spec.protocol.protocolName}
 * @param model        {@code spec.deviceModelRef.name}, or {@code ""}
 * @param nodeName     {@code spec.nodeName}, or {@code ""}
 * @param state        where it stands
 * @param reason       why, for people (e.g. "waiting for a driver for protocol modbus")
 * @param since        when it entered this state
 * @param driver       {@code <bundle> <version>} of the driver bound to it, or {@code ""}
 * @param lastError    the latest error of a driver call, or {@code null}
 * @param lastErrorAt  when it happened, or {@code null}
 * @param reads        completed batch reads
 * @param failedReads  batch reads that failed or timed out
 * @param skipped      collect cycles skipped because a call was still running
 * @param properties   the properties, in spec order
 * @param desiredRewrites how often a property that read a value other than its accepted desired value, after
 *                     that value's write was confirmed, was written again ({@code desired.enforce}); since 1.3
 * @param detail       why, in machine terms ({@link StateDetail#NONE} when there is nothing to explain: online,
 *                     starting, waiting); the {@code reason} is then its message; since 1.4
 */
public record DeviceInfo(String id, String protocol, String model, String nodeName, DeviceRunState state,
                         String reason, Instant since, String driver, String lastError, Instant lastErrorAt,
                         long reads, long failedReads, long skipped, List<PropertyInfo> properties,
                         long desiredRewrites, StateDetail detail) {

    public DeviceInfo {
        properties = properties == null ? List.of() : List.copyOf(properties);
        detail = detail == null ? StateDetail.NONE : detail;
    }

    /** A device without a state detail (the shape of 1.3). */
    public DeviceInfo(String id, String protocol, String model, String nodeName, DeviceRunState state,
                      String reason, Instant since, String driver, String lastError, Instant lastErrorAt,
                      long reads, long failedReads, long skipped, List<PropertyInfo> properties,
                      long desiredRewrites) {
        this(id, protocol, model, nodeName, state, reason, since, driver, lastError, lastErrorAt, reads, failedReads,
                skipped, properties, desiredRewrites, StateDetail.NONE);
    }

    /** A device without rewrites of drifted values (the shape before 1.3). */
    public DeviceInfo(String id, String protocol, String model, String nodeName, DeviceRunState state,
                      String reason, Instant since, String driver, String lastError, Instant lastErrorAt,
                      long reads, long failedReads, long skipped, List<PropertyInfo> properties) {
        this(id, protocol, model, nodeName, state, reason, since, driver, lastError, lastErrorAt, reads, failedReads,
                skipped, properties, 0, StateDetail.NONE);
    }

    /**
     * The reason as people read it: the detail's words before the message, e.g.
     * {@code "communication error: connection refused by 127.0.0.1:1502"}; the message alone without a detail.
     *
     * @since 1.4
     */
    public String reasonText() {
        String message = reason == null ? "" : reason;
        if (detail == StateDetail.NONE) {
            return message;
        }
        return message.isBlank() ? detail.label() : detail.label() + ": " + message;
    }
}
