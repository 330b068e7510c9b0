package io.karedge.device.manager;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Starts a device scan on the active driver of a protocol, for drivers that offer the {@code discovery}
 * ability ({@link io.karedge.device.driver.DeviceDiscovery}). The scan runs on a manager thread; the caller
 * waits for its answer at most the timeout (and a short grace). One scan per driver runs at a time.
 *
 * @since 1.2
 */
@ProviderType
public interface DriverDiscovery {

    /** the timeout of a scan when the caller gives none */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** the longest a scan may be given */
    Duration MAX_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Scans for devices with the active driver of {@code protocol}.
     *
     * @param timeout how long the driver may look, {@code null} for {@link #DEFAULT_TIMEOUT}; more than zero
     *                and at most {@link #MAX_TIMEOUT}
     * @return what the driver found, possibly no device
     * @throws DiscoveryException       when the scan cannot start or does not end well; its reason says why
     * @throws IllegalArgumentException for a timeout out of bounds
     */
    DiscoveryResult discover(String protocol, Duration timeout) throws DiscoveryException;
}
