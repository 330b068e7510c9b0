package io.karedge.device.driver;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Implemented by Karedge, handed to each {@link DeviceHandler}: the only way a driver reports. Drivers
 * never touch stores or the cloud. Thread-safe; calls return quickly.
 */
@ProviderType
public interface DeviceCallback {

    /** Reports values the device pushed on its own (subscriptions); polled values are returned by read. */
    void reportValues(List<PropertyValue> values);

    /** Reports a change of the device's connection state, with a message for people. */
    void reportState(DeviceState state, String message);
}
