package io.karedge.api.meta;

/** The store could not carry out an operation (disk full, database closed, I/O error). */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
