package io.karedge.shell.internal;

/** {@code edge:get} cannot answer; the message is what the user sees, worded like kubectl. */
final class GetException extends Exception {

    private static final long serialVersionUID = 1L;

    GetException(String message) {
        super(message);
    }
}
