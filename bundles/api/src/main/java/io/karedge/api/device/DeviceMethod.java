package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code Device.spec.methods[]}: a named write operation over some properties. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceMethod(String name, String description, List<String> propertyNames) {

    public DeviceMethod {
        propertyNames = propertyNames == null ? List.of() : List.copyOf(propertyNames);
    }
}
