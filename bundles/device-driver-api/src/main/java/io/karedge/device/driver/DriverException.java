package io.karedge.device.driver;

import java.util.Objects;

/**
 * The device cannot be reached or the driver cannot work at all (as opposed to one property failing). Its
 * {@link #detail()} says why in machine terms; built without one (the 0.2 constructors) it is a
 * {@link StateDetail#COMMUNICATION_ERROR}, which is what the 0.2 contract meant by it.
 */
public class DriverException extends Exception {

    private static final long serialVersionUID = 1L;

    private final StateDetail detail;

    public DriverException(String message) {
        this(StateDetail.COMMUNICATION_ERROR, message, null);
    }

    public DriverException(String message, Throwable cause) {
        this(StateDetail.COMMUNICATION_ERROR, message, cause);
    }

    /** @since 0.3 */
    public DriverException(StateDetail detail, String message) {
        this(detail, message, null);
    }

    /** @since 0.3 */
    public DriverException(StateDetail detail, String message, Throwable cause) {
        super(message, cause);
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /**
     * @return why the device cannot be used, never {@code null}
     * @since 0.3
     */
    public StateDetail detail() {
        return detail;
    }
}
