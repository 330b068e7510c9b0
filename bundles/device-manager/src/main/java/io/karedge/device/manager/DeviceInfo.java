package io.karedge.device.manager;

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
 */
public record DeviceInfo(String id, String protocol, String model, String nodeName, DeviceRunState state,
                         String reason, Instant since, String driver, String lastError, Instant lastErrorAt,
                         long reads, long failedReads, long skipped, List<PropertyInfo> properties,
                         long desiredRewrites) {

    public DeviceInfo {
        properties = properties == null ? List.of() : List.copyOf(properties);
    }

    /** A device without rewrites of drifted values (the shape before 1.3). */
    public DeviceInfo(String id, String protocol, String model, String nodeName, DeviceRunState state,
                      String reason, Instant since, String driver, String lastError, Instant lastErrorAt,
                      long reads, long failedReads, long skipped, List<PropertyInfo> properties) {
        this(id, protocol, model, nodeName, state, reason, since, driver, lastError, lastErrorAt, reads, failedReads,
                skipped, properties, 0);
    }
}
