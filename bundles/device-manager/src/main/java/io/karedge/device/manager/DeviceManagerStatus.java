package io.karedge.device.manager;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** A read-only view of the device manager: snapshots, cheap to take, safe from any thread. */
@ProviderType
public interface DeviceManagerStatus {

    /** @return every registered protocol driver, active and standing by, ordered by protocol then rank */
    List<DriverInfo> drivers();

    /** @return every device of this node the manager knows, ordered by id */
    List<DeviceInfo> devices();

    /** @return one device by id ({@code <namespace>/<name>}; a bare name means namespace {@code default}) */
    Optional<DeviceInfo> device(String id);

    /**
     * @return the driver reads and writes made so far, per protocol and operation, with their durations;
     *         cheap (counters kept as the calls return), ordered by protocol then operation
     * @since 1.1
     */
    default List<DriverCallStatistics> driverCalls() {
        return List.of();
    }
}
