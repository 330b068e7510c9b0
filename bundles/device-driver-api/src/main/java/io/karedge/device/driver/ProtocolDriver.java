package io.karedge.device.driver;

import io.karedge.api.device.Device;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A protocol driver: a whiteboard service, registered with the service property
 * {@value ProtocolName#PROPERTY} (use {@link ProtocolName}) equal to the protocol name devices ask for.
 *
 * <p><b>Selection.</b> When several drivers register the same protocol, the one with the highest
 * {@code service.ranking} wins, then the lowest {@code service.id}; the others stand by.
 *
 * <p><b>Lifecycle.</b> {@link #open} is called for each device bound to the driver and must return
 * quickly: it must not connect synchronously. Connecting, reading and writing happen in the handler's
 * methods, which the device manager calls from its shared, named scheduler threads; a driver owns no
 * threads of its own unless it pushes values (then it must stop them in {@link DeviceHandler#close()}).
 *
 * <p><b>Stopping.</b> When the driver bundle stops, the device manager closes every handler of the
 * driver. A read or write in progress at that time may fail or be abandoned; its result is discarded and
 * the devices wait for the driver to return.
 */
@ConsumerType
public interface ProtocolDriver {

    /**
     * Checks a device's protocol and visitor settings without touching the device.
     *
     * @throws IllegalArgumentException with a message a user can act on when the settings are wrong
     */
    default void validate(Device device) {
    }

    /**
     * Creates the handler of one device (with the model's defaults already merged into it).
     *
     * @param device   the device
     * @param callback where the handler reports values and state
     */
    DeviceHandler open(Device device, DeviceCallback callback);
}
