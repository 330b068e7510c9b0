package io.karedge.device.driver;

/** The device cannot be reached or the driver cannot work at all (as opposed to one property failing). */
public class DriverException extends Exception {

    private static final long serialVersionUID = 1L;

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
