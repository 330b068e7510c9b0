package io.karedge.twin.internal;

/** A request the engine refuses: the code and reason of its error result. */
final class Rejection extends Exception {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final long version;

    Rejection(int code, String reason) {
        this(code, reason, 0);
    }

    /** @param version for a conflict: the version found */
    Rejection(int code, String reason, long version) {
        super(reason, null, false, false);
        this.code = code;
        this.version = version;
    }

    static Rejection badRequest(String reason) {
        return new Rejection(400, reason);
    }

    int code() {
        return code;
    }

    long version() {
        return version;
    }

    String reason() {
        return getMessage();
    }
}
