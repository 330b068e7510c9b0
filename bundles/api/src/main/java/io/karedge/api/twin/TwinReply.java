package io.karedge.api.twin;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The engine's answer to one request.
 *
 * @param code    200 on success; 400 bad request, 404 unknown device, 409 version conflict, 500 storage
 *                failure
 * @param reason  why it failed, or {@code null} on success
 * @param result  the document for the request's result topic (request topic + {@code /result}), or
 *                {@code null} for operations that have none ({@code twin/cloud_updated})
 * @param version for {@link TwinEngine#setDesired}: the property's store version after the write, or the
 *                current version on a 409; otherwise 0
 * @since 1.1
 */
public record TwinReply(int code, String reason, JsonNode result, long version) {

    public boolean ok() {
        return code == 200;
    }
}
