package io.karedge.device.driver;

import java.util.Objects;

/** One value to write to a property, as the twin holds it (a string). */
public record PropertyWrite(PropertyRequest target, String value) {

    public PropertyWrite {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(value, "value");
    }
}
