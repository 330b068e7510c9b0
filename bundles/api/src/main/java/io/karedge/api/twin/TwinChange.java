package io.karedge.api.twin;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A committed change of one device.
 *
 * @param deviceId     {@code <namespace>/<name>}
 * @param origin       who caused it
 * @param twins        the changed properties with their new records (a deleted twin's document has
 *                     {@code metadata.type = deleted}); empty for a pure state or membership change
 * @param state        the new state if it changed, else {@code null}
 * @param publications what the change publishes on the event bus, in order ({@code twin/update/document},
 *                     {@code twin/update/delta}, {@code membership/updated} ...), with namespaced topics;
 *                     a request's own result is not among them (it is in its {@link TwinReply})
 * @since 1.1
 */
public record TwinChange(String deviceId, TwinOrigin origin, Map<String, TwinRecord> twins, String state,
                         List<TwinPublication> publications) {

    public TwinChange {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(origin, "origin");
        twins = Map.copyOf(Objects.requireNonNull(twins, "twins"));
        publications = List.copyOf(Objects.requireNonNull(publications, "publications"));
    }
}
