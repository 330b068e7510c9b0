package io.karedge.device.driver;

import java.util.Objects;

/** One value to write to a property, as the twin holds it (a string; may be empty, as in KubeEdge). */
public record PropertyWrite(PropertyRequest target, String value) {

    public PropertyWrite {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(value, "value");
    }

    public String name() {
        return target.name();
    }
}
