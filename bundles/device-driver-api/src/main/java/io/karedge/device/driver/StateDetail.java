package io.karedge.device.driver;

import java.io.IOException;
import java.util.Locale;

/**
 * Why a device is in its state: a small closed set a machine can act on, beside the message for people. The
 * KubeEdge-facing state stays one of {@link DeviceState}; the detail is Karedge's own (shell, REST, metrics,
 * dashboard).
 *
 * <p>The set is closed on purpose (it is a metrics label): a driver that cannot place a failure uses
 * {@link #DRIVER_ERROR} and says the rest in the message.
 *
 * @since 0.3
 */
public enum StateDetail {
    /** nothing to explain: the device is online, starting, or waiting for a driver or a model */
    NONE,
    /** the device or its server cannot be reached: connection refused, host unreachable, I/O broke, no answer */
    COMMUNICATION_ERROR,
    /** the device's settings are wrong (configData, visitors): it stays so until its spec changes */
    CONFIGURATION_ERROR,
    /** the device or its server refused the credentials or the session */
    AUTHENTICATION_ERROR,
    /** the device does not offer what was asked (a function, a data type, a security mode) */
    UNSUPPORTED,
    /** the device answered that it is busy or overloaded; a later call may succeed */
    BUSY,
    /** a call did not return within the device manager's bound ({@code read.timeout.ms}) */
    TIMEOUT,
    /** the device answered with a fault of its own (a device failure, not a transport one) */
    DEVICE_ERROR,
    /** the driver failed in a way it did not place (a runtime exception, an open that returned nothing) */
    DRIVER_ERROR;

    /** @return the words for people, e.g. {@code "communication error"} ({@code ""} for {@link #NONE}) */
    public String label() {
        return this == NONE ? "" : name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** @return the form used in metrics labels and JSON, e.g. {@code "communication_error"} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The detail of a failed driver call: the detail a {@link DriverException} or {@link PropertyException}
     * carries; {@link #COMMUNICATION_ERROR} for an {@link IOException} anywhere in the cause chain;
     * {@link #CONFIGURATION_ERROR} for an {@link IllegalArgumentException} (what {@code validate} and
     * {@link ConfigBinding} throw); {@link #DRIVER_ERROR} for anything else.
     */
    public static StateDetail of(Throwable failure) {
        if (failure instanceof java.util.concurrent.ExecutionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof DriverException e) {
            return e.detail();
        }
        if (failure instanceof PropertyException e && e.detail() != NONE) {
            return e.detail();
        }
        if (failure instanceof IllegalArgumentException) {
            return CONFIGURATION_ERROR;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return COMMUNICATION_ERROR;
            }
        }
        return DRIVER_ERROR;
    }

    /**
     * The detail a report without one gets ({@link DeviceCallback#reportState(DeviceState, String)}, the 0.2
     * form): {@link #COMMUNICATION_ERROR} for {@link DeviceState#OFFLINE}, {@link #DEVICE_ERROR} for
     * {@link DeviceState#UNHEALTHY}, {@link #NONE} otherwise.
     */
    public static StateDetail defaultFor(DeviceState state) {
        if (state == null) {
            return NONE;
        }
        return switch (state) {
            case OFFLINE -> COMMUNICATION_ERROR;
            case UNHEALTHY -> DEVICE_ERROR;
            default -> NONE;
        };
    }
}
