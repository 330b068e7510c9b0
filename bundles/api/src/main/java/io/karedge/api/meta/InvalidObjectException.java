package io.karedge.api.meta;

/** An object cannot be stored: no kind, no name, a name that is not a DNS subdomain, ... */
public class InvalidObjectException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidObjectException(String message) {
        super(message);
    }
}
