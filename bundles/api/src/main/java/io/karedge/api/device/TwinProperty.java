package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A value with string metadata (keys {@code type}, {@code timestamp}), as in desired and reported twins. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TwinProperty(String value, Map<String, String> metadata) {

    public TwinProperty {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
