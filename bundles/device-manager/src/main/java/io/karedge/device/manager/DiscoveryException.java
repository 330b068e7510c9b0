package io.karedge.device.manager;

import java.util.Objects;

/**
 * A device scan that could not start or did not end well; {@link #reason()} says which, the message says it
 * for people.
 *
 * @since 1.2
 */
public final class DiscoveryException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a scan gave no result. */
    public enum Reason {
        /** no driver is registered for the protocol */
        NO_DRIVER,
        /** the protocol's active driver does not offer the discovery ability */
        NOT_SUPPORTED,
        /** a scan of the same driver is still running */
        BUSY,
        /** the driver reported that the scan could not run, or it threw */
        FAILED,
        /** the driver did not answer within the timeout */
        TIMED_OUT,
        /** the device manager is stopping */
        STOPPED
    }

    private final Reason reason;

    public DiscoveryException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DiscoveryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why the scan gave no result */
    public Reason reason() {
        return reason;
    }
}
