package io.karedge.api.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Something the cloud must learn, in the terms of the KubeEdge message route.
 *
 * @param source      route source ({@code edged}, {@code twin}, {@code metaManager} ...)
 * @param group       route group ({@code resource}, {@code twin} ...)
 * @param operation   route operation ({@code update}, {@code insert}, {@code delete} ...)
 * @param resource    route resource as the edge sends it ({@code default/podstatus/web-0})
 * @param content     the content
 * @param coalesceKey while the entry waits, a newer entry with the same key replaces it (latest node
 *                    status, latest twin of a property); {@code null} if it must never be replaced
 */
public record UplinkMessage(String source, String group, String operation, String resource,
                            JsonNode content, String coalesceKey) {

    public UplinkMessage {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(content, "content");
    }
}
