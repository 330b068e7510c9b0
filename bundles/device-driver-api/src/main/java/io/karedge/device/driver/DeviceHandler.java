package io.karedge.device.driver;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The driver's side of one device. Calls for one device are never concurrent; they may block for I/O
 * (bounded by the driver's own timeouts).
 */
@ConsumerType
public interface DeviceHandler extends AutoCloseable {

    /**
     * Reads a batch of properties. Each result carries its own outcome; an exception means the device
     * cannot be reached at all (the device goes offline until a later read succeeds).
     */
    List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException;

    /** Writes a batch of values; each result carries its own outcome. */
    List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException;

    /** Releases connections and stops anything the handler started. Must return quickly and not throw. */
    @Override
    void close();
}
