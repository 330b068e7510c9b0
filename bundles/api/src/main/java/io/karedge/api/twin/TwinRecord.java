package io.karedge.api.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * The stored twin of one device property.
 *
 * @param deviceId  {@code <namespace>/<name>} of the device
 * @param property  the property (twin) name
 * @param version   the property's store version: 1 on first write, +1 on every write
 * @param twin      the twin document (expected/actual values, metadata, version vectors); callers must
 *                  not modify it
 * @param updatedAt when it was last written
 */
public record TwinRecord(String deviceId, String property, long version, JsonNode twin, Instant updatedAt) {

    public TwinRecord {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(twin, "twin");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
