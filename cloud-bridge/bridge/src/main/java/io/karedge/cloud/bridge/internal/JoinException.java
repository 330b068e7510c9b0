package io.karedge.cloud.bridge.internal;

/** A join or rotation step failed; {@link #permanent()} says whether retrying without an operator can help. */
final class JoinException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean permanent;

    JoinException(String message, boolean permanent) {
        super(message);
        this.permanent = permanent;
    }

    JoinException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    boolean permanent() {
        return permanent;
    }
}
