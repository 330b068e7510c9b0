package io.karedge.api.twin;

/** A conditional twin write found another version than the one it expected. */
public class TwinVersionConflictException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long expected;
    private final long actual;

    public TwinVersionConflictException(String deviceId, String property, long expected, long actual) {
        super("twin " + deviceId + "/" + property + " is at version " + actual + ", not " + expected);
        this.expected = expected;
        this.actual = actual;
    }

    public long expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }
}
