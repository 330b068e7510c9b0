package io.karedge.device.driver;

import io.karedge.api.device.DeviceProperty;
import io.karedge.api.device.ModelProperty;
import java.util.Objects;

/**
 * One property to read: the device's property settings (visitors merged with the model's) and the
 * model's definition of it (type, access mode), which may be null when the model does not list it.
 */
public record PropertyRequest(DeviceProperty property, ModelProperty model) {

    public PropertyRequest {
        Objects.requireNonNull(property, "property");
    }

    public String name() {
        return property.name();
    }
}
