package io.karedge.device.manager;

import io.karedge.api.metrics.HistogramSnapshot;
import java.util.Objects;

/**
 * The driver calls the device manager made for one protocol and operation, since it started.
 *
 * @param protocol  the protocol name ({@code modbus}, {@code virtual} ...), whichever of its drivers served
 * @param operation {@value #READ} (a collect cycle's read of a device's properties) or {@value #WRITE}
 *                  (desired values written to a device)
 * @param failures  calls that threw or did not answer within their timeout
 * @param durations every call's time, failed ones included; a call that hangs is recorded when it returns
 * @since 1.1
 */
public record DriverCallStatistics(String protocol, String operation, long failures, HistogramSnapshot durations) {

    /** a collect cycle's read */
    public static final String READ = "read";
    /** a write of desired values */
    public static final String WRITE = "write";

    public DriverCallStatistics {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(durations, "durations");
    }
}
