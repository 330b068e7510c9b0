package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code DeviceModel.spec.properties[]}. {@code type} is one of INT, FLOAT, DOUBLE, STRING, BOOLEAN,
 * BYTES, STREAM; {@code accessMode} is ReadWrite or ReadOnly.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelProperty(String name, String description, String type, String accessMode,
                            String minimum, String maximum, String unit, VisitorConfig visitors) {

    public boolean writable() {
        return "ReadWrite".equalsIgnoreCase(accessMode);
    }
}
