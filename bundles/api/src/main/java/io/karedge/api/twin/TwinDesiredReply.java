package io.karedge.api.twin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's answer to {@link TwinEngine#setDesired(String, Map, Map, TwinOrigin)}: all the values were
 * written in one step, or none was.
 *
 * @param code     200 when every value was stored; 400, 404, 409 or 500 as for a single property
 * @param reason   why the request was refused, or {@code null} on success
 * @param property the property that caused a refusal, or {@code null} (success, or a refusal of the whole
 *                 request such as an unknown device)
 * @param versions on success each property's store version after the write, in the request's order; on a
 *                 409 the refused property's current version; otherwise empty
 * @since 1.3
 */
public record TwinDesiredReply(int code, String reason, String property, Map<String, Long> versions) {

    public TwinDesiredReply {
        versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }

    public boolean ok() {
        return code == 200;
    }
}
