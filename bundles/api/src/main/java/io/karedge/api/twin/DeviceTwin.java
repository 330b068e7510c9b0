package io.karedge.api.twin;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A read-only view of one member device: its state and the stored twin of each property.
 *
 * @param deviceId   {@code <namespace>/<name>}
 * @param state      the last reported state ({@code online}, {@code offline}, {@code unknown} ...)
 * @param lastOnline when it was last reported online, or {@code null}
 * @param twins      property name to its record (the document is KubeEdge's MsgTwin with version vectors)
 * @since 1.1
 */
public record DeviceTwin(String deviceId, String state, Instant lastOnline, Map<String, TwinRecord> twins) {

    public DeviceTwin {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(state, "state");
        twins = Map.copyOf(Objects.requireNonNull(twins, "twins"));
    }
}
