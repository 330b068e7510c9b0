package io.karedge.device.driver;

import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optional ability of a {@link ProtocolDriver}: finding devices (a bus scan, a broadcast, a registry).
 * A driver offers it by implementing this interface on the same object it registers as
 * {@code ProtocolDriver}; the manager lists the ability and a shell or REST client may start a scan.
 * Discovered devices are suggestions: a person (or the cloud) still creates the Device objects.
 *
 * @since 0.2
 */
@ConsumerType
public interface DeviceDiscovery {

    /**
     * Looks for devices. Blocks at most {@code timeout}; called on a manager thread, never concurrently.
     *
     * @return the devices found, possibly none
     * @throws DriverException if the scan cannot run at all
     */
    List<DiscoveredDevice> discover(Duration timeout) throws DriverException;
}
