package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** {@code DeviceModel.spec}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceModelSpec(String protocol, ObjectNode protocolConfigData, List<ModelProperty> properties) {

    public DeviceModelSpec {
        properties = properties == null ? List.of() : List.copyOf(properties);
    }

    public Optional<ModelProperty> property(String name) {
        return properties.stream().filter(p -> p.name() != null && p.name().equals(name)).findFirst();
    }
}
