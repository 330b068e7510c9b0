package io.karedge.device.manager;

import io.karedge.device.driver.DiscoveredDevice;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a device scan.
 *
 * @param protocol the protocol scanned
 * @param driver   {@code <bundle> <version>} of the driver that scanned
 * @param devices  the devices found, in the driver's order, possibly none
 * @param elapsed  how long the scan took
 * @since 1.2
 */
public record DiscoveryResult(String protocol, String driver, List<DiscoveredDevice> devices, Duration elapsed) {

    public DiscoveryResult {
        Objects.requireNonNull(protocol, "protocol");
        driver = driver == null ? "" : driver;
        devices = devices == null ? List.of() : List.copyOf(devices);
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
