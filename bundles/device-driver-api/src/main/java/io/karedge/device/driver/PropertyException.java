package io.karedge.device.driver;

import java.util.Objects;

/**
 * One property could not be read or written (bad address, wrong type, value out of range), while the
 * device itself is reachable. {@link BaseDeviceHandler} turns it into a failed {@link PropertyValue}. Its
 * {@link #detail()} is {@link StateDetail#NONE} unless the driver gave one (0.3): the device's state does not
 * change for one property.
 *
 * @since 0.2
 */
public class PropertyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final StateDetail detail;

    public PropertyException(String message) {
        this(StateDetail.NONE, message, null);
    }

    public PropertyException(String message, Throwable cause) {
        this(StateDetail.NONE, message, cause);
    }

    /** @since 0.3 */
    public PropertyException(StateDetail detail, String message) {
        this(detail, message, null);
    }

    /** @since 0.3 */
    public PropertyException(StateDetail detail, String message, Throwable cause) {
        super(message, cause);
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /**
     * @return why the property failed, {@link StateDetail#NONE} when the driver did not say
     * @since 0.3
     */
    public StateDetail detail() {
        return detail;
    }
}
