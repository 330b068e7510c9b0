package io.karedge.device.driver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.device.DeviceProperty;
import io.karedge.api.device.ModelProperty;
import io.karedge.api.json.KaredgeJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One property to read or write: the device's property settings (visitors merged with the model's) and
 * the model's definition of it (type, access mode), which may be null when the model does not list it.
 */
public record PropertyRequest(DeviceProperty property, ModelProperty model) {

    public PropertyRequest {
        Objects.requireNonNull(property, "property");
    }

    public String name() {
        return property.name();
    }

    /**
     * @return the property's {@code visitors.configData} (an empty object when absent); callers must not
     *         modify it
     * @since 0.2
     */
    public ObjectNode configData() {
        return property.visitors() == null || property.visitors().configData() == null
                ? KaredgeJson.mapper().createObjectNode() : property.visitors().configData();
    }

    /**
     * Binds this property's {@code visitors.configData} to a driver's record (see {@link ConfigBinding} for
     * the rules). Unknown keys are ignored here; {@link ConfigBinding#check} reports them.
     *
     * @throws IllegalArgumentException naming the property, the key, the value and what was expected
     * @since 0.3
     */
    public <T> T configAs(Class<T> type) {
        return ConfigBinding.bind(configData(), type, "property " + name() + " visitors.configData", warning -> { });
    }

    /**
     * @return the model's type in the lower-case form KubeEdge mappers use ({@code int}, {@code float},
     *         {@code double}, {@code boolean}, {@code string}, {@code bytes}); {@code string} when the
     *         model does not say
     * @since 0.2
     */
    public String type() {
        return model == null || model.type() == null || model.type().isBlank()
                ? "string" : model.type().toLowerCase(Locale.ROOT);
    }

    /**
     * @return whether desired values may be written: the model says {@code ReadWrite}
     * @since 0.2
     */
    public boolean writable() {
        return model != null && model.writable();
    }

    /**
     * Builds the requests of every property of a device, in spec order.
     *
     * @param device the device (defaults already merged)
     * @param model  its model, or null
     * @since 0.2
     */
    public static List<PropertyRequest> of(Device device, DeviceModel model) {
        List<PropertyRequest> requests = new ArrayList<>();
        if (device.spec() == null) {
            return requests;
        }
        for (DeviceProperty property : device.spec().properties()) {
            if (property.name() == null || property.name().isBlank()) {
                continue;
            }
            ModelProperty modelProperty = model == null || model.spec() == null
                    ? null : model.spec().property(property.name()).orElse(null);
            requests.add(new PropertyRequest(property, modelProperty));
        }
        return requests;
    }
}
