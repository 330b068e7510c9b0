package io.karedge.device.driver;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The driver's side of one device, created by {@link ProtocolDriver#open}.
 *
 * <p>Calls for one handler are never concurrent, and come from the device manager's shared scheduler
 * threads (see {@link ProtocolDriver} for the thread and timeout contract). {@code read} and
 * {@code write} may block for I/O; {@code close} must not.
 *
 * <p>See {@link BaseDeviceHandler} for a base class that turns per-property reads and writes into the
 * batch form and takes care of the closed state.
 */
@ConsumerType
public interface DeviceHandler extends AutoCloseable {

    /**
     * Reads a batch of properties: the manager batches every property with the same collect cycle into
     * one call. Returns one result per request, in request order, each carrying its own outcome (a value
     * or an error). An exception means the device cannot be reached at all; the device goes offline
     * until a later read succeeds.
     *
     * @throws DriverException if the device cannot be reached or the handler is closed
     */
    List<PropertyValue> read(List<PropertyRequest> requests) throws DriverException;

    /**
     * Writes a batch of values (desired values from the twin). Returns one result per write, in order:
     * the value as the device now holds it, or an error for that property.
     *
     * @throws DriverException if the device cannot be reached or the handler is closed
     */
    List<PropertyValue> write(List<PropertyWrite> writes) throws DriverException;

    /**
     * Releases connections and stops anything the handler started (subscriptions, driver threads). Must
     * return quickly, must not throw, and must be idempotent. It may be called while a {@code read} or
     * {@code write} of this handler is still running on another thread (the manager gave up on it); that
     * call should then fail soon. After {@code close}, the handler reports nothing more through its
     * callback (anything it still reports is ignored).
     */
    @Override
    void close();
}
