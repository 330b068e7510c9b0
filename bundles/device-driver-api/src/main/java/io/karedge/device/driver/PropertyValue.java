package io.karedge.device.driver;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome for one property: a value in twin form (a string, with its KubeEdge type name) or an error.
 *
 * @param property  the property name
 * @param value     the value, or {@code null} on error
 * @param type      the KubeEdge type name in lower case ({@code int}, {@code float}, {@code string} ...)
 * @param timestamp when it was read or written
 * @param error     what went wrong, or {@code null}
 */
public record PropertyValue(String property, String value, String type, Instant timestamp, String error) {

    public PropertyValue {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(timestamp, "timestamp");
        if (value == null && error == null) {
            throw new IllegalArgumentException("a property value needs a value or an error");
        }
    }

    public static PropertyValue of(String property, String value, String type) {
        return new PropertyValue(property, value, type, Instant.now(), null);
    }

    public static PropertyValue failed(String property, String error) {
        return new PropertyValue(property, null, null, Instant.now(), error);
    }

    public boolean ok() {
        return error == null;
    }
}
