package io.karedge.api.meta;

/**
 * A watch asked to start from a version older than the oldest event the store still keeps (the
 * Kubernetes "410 Gone"). The client must list again and watch from the list's version.
 */
public class ResourceVersionTooOldException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long oldestAvailable;

    public ResourceVersionTooOldException(long requested, long oldestAvailable) {
        super("resourceVersion " + requested + " is too old; the oldest retained change is "
                + oldestAvailable + ": list again and watch from the list's resourceVersion");
        this.requested = requested;
        this.oldestAvailable = oldestAvailable;
    }

    public long requested() {
        return requested;
    }

    public long oldestAvailable() {
        return oldestAvailable;
    }
}
