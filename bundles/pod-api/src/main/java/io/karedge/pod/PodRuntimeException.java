package io.karedge.pod;

/**
 * A runtime step failed. The reason is the word kubelet would show in the container's waiting state
 * ({@code ErrImagePull}, {@code CreateContainerError}, {@code RunContainerError},
 * {@code CreatePodSandboxError} ...); the message says what went wrong.
 */
public class PodRuntimeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public PodRuntimeException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PodRuntimeException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
