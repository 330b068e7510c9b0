package io.karedge.device.driver;

/**
 * One property could not be read or written (bad address, wrong type, value out of range), while the
 * device itself is reachable. {@link BaseDeviceHandler} turns it into a failed {@link PropertyValue}.
 *
 * @since 0.2
 */
public class PropertyException extends Exception {

    private static final long serialVersionUID = 1L;

    public PropertyException(String message) {
        super(message);
    }

    public PropertyException(String message, Throwable cause) {
        super(message, cause);
    }
}
