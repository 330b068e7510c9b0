package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;

/**
 * A request the API refuses, carrying the Kubernetes {@code Status} object to answer with
 * ({@code {"kind":"Status","apiVersion":"v1","status":"Failure","reason":...,"code":...}}).
 */
final class KubeStatusException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;
    private final transient ObjectNode details;

    KubeStatusException(int code, String reason, String message) {
        this(code, reason, message, null);
    }

    KubeStatusException(int code, String reason, String message, ObjectNode details) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.details = details;
    }

    static KubeStatusException notFound(String resource, String group, String name) {
        String qualified = group.isEmpty() ? resource : resource + "." + group;
        ObjectNode details = KaredgeJson.mapper().createObjectNode();
        details.put("name", name);
        if (!group.isEmpty()) {
            details.put("group", group);
        }
        details.put("kind", resource);
        return new KubeStatusException(404, "NotFound", qualified + " \"" + name + "\" not found", details);
    }

    static KubeStatusException badRequest(String message) {
        return new KubeStatusException(400, "BadRequest", message);
    }

    static KubeStatusException expired(String message) {
        return new KubeStatusException(410, "Expired", message);
    }

    int code() {
        return code;
    }

    /** @return the Status object for the body of the answer or of a watch {@code ERROR} event */
    ObjectNode status() {
        return status(code, reason, getMessage(), details);
    }

    static ObjectNode status(int code, String reason, String message, ObjectNode details) {
        ObjectNode status = KaredgeJson.mapper().createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        if (details != null) {
            status.set("details", details);
        }
        status.put("code", code);
        return status;
    }
}
