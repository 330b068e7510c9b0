package io.karedge.api.twin;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.uplink.UplinkMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One atomic change of a device's twins: property documents to write, each optionally conditional on the
 * version the caller read, and the messages for the cloud that the change causes. {@link TwinStore#write}
 * makes all of it durable in one transaction, or none of it.
 *
 * @param deviceId         {@code <namespace>/<name>} of the device
 * @param twins            property name to its new document, in write order
 * @param expectedVersions property name to the version it must have ({@code 0}: must not exist); a
 *                         property missing here is written whatever its version
 * @param uplink           messages to enqueue in the Uplink in the same transaction, in order
 * @since 1.1
 */
public record TwinWrite(String deviceId, Map<String, JsonNode> twins, Map<String, Long> expectedVersions,
                        List<UplinkMessage> uplink) {

    public TwinWrite {
        Objects.requireNonNull(deviceId, "deviceId");
        twins = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(twins, "twins")));
        expectedVersions = Map.copyOf(Objects.requireNonNull(expectedVersions, "expectedVersions"));
        uplink = List.copyOf(Objects.requireNonNull(uplink, "uplink"));
    }

    /** @return an unconditional write with no uplink messages */
    public static TwinWrite of(String deviceId, Map<String, JsonNode> twins) {
        return new TwinWrite(deviceId, twins, Map.of(), List.of());
    }
}
