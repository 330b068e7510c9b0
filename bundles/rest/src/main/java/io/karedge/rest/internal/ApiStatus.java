package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * A Kubernetes {@code Status} object ({@code kind: Status}, {@code status: Failure}), the body of every
 * error response and of watch {@code ERROR} events.
 */
final class ApiStatus {

    static final String NOT_FOUND = "NotFound";
    static final String BAD_REQUEST = "BadRequest";
    static final String EXPIRED = "Expired";
    static final String TOO_MANY_REQUESTS = "TooManyRequests";
    static final String INTERNAL_ERROR = "InternalError";
    static final String SERVICE_UNAVAILABLE = "ServiceUnavailable";
    static final String TIMEOUT = "Timeout";
    static final String REQUEST_ENTITY_TOO_LARGE = "RequestEntityTooLarge";
    static final String FORBIDDEN = "Forbidden";
    static final String UNAUTHORIZED = "Unauthorized";

    private ApiStatus() {
    }

    static ObjectNode failure(int code, String reason, String message) {
        ObjectNode status = KaredgeJson.mapper().createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        return status;
    }

    /** @return a NotFound status with {@code details} naming the missing object, as Kubernetes does */
    static ObjectNode notFound(String resource, String group, String name) {
        ObjectNode status = failure(404, NOT_FOUND, qualified(resource, group) + " \"" + name + "\" not found");
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (!group.isEmpty()) {
            details.put("group", group);
        }
        details.put("kind", resource);
        return status;
    }

    /**
     * @return what the Kubernetes apiserver answers for a resourceVersion it has not reached: 504, reason
     *         {@code Timeout}, cause {@code ResourceVersionTooLarge}, retry after one second
     */
    static ObjectNode tooLargeResourceVersion(long requested, long current) {
        ObjectNode status = failure(504, TIMEOUT, "Timeout: Too large resource version: " + requested + ", current: "
                + current);
        ObjectNode details = status.putObject("details");
        ObjectNode cause = details.putArray("causes").addObject();
        cause.put("reason", "ResourceVersionTooLarge");
        cause.put("message", "Too large resource version");
        details.put("retryAfterSeconds", 1);
        return status;
    }

    static String qualified(String resource, String group) {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    static Response response(ObjectNode status) {
        return Response.status(status.path("code").asInt(500)).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(status).build();
    }

    static Response response(int code, String reason, String message) {
        return response(failure(code, reason, message));
    }
}
