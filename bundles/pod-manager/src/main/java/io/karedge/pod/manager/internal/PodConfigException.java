package io.karedge.pod.manager.internal;

/**
 * A pod cannot be turned into something a runtime can run yet: a ConfigMap or Secret it needs is missing,
 * a volume cannot be prepared. Reported as the containers' waiting reason; retried on the next sync.
 */
final class PodConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    PodConfigException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
