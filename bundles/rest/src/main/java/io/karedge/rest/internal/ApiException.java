package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A request the API answers with an error; carries the Kubernetes Status body. */
final class ApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ObjectNode status;

    ApiException(ObjectNode status) {
        super(status.path("message").asText());
        this.status = status;
    }

    ApiException(int code, String reason, String message) {
        this(ApiStatus.failure(code, reason, message));
    }

    ObjectNode status() {
        return status;
    }
}
