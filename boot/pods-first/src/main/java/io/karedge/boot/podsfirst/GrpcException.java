package io.karedge.boot.podsfirst;

import java.io.IOException;

/** A gRPC call that ended with a status other than OK. */
final class GrpcException extends IOException {

    private final int status;

    GrpcException(int status, String message) {
        super("gRPC status " + status + (message == null || message.isEmpty() ? "" : ": " + message));
        this.status = status;
    }

    int status() {
        return status;
    }
}
