package io.karedge.device.driver;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Implemented by Karedge and handed to each {@link DeviceHandler}: the only way a driver reports. Drivers
 * never touch the stores, the twin engine or the cloud; the device manager turns these reports into twin
 * updates, device states and push-method messages.
 *
 * <p>Thread-safe; any thread may call it (typically the driver's own subscription threads, or the
 * thread of a {@code read}); calls return quickly and never block on I/O. Reports made after the handler
 * was closed are ignored.
 */
@ProviderType
public interface DeviceCallback {

    /**
     * Reports values the device pushed on its own ({@link PushingHandler}); values that are polled are
     * the results of {@link DeviceHandler#read} and need not be reported here.
     */
    void reportValues(List<PropertyValue> values);

    /**
     * Reports a change of the device's connection state, with a message for people (shown by the shell
     * as the reason). {@link DeviceState#ONLINE} and {@link DeviceState#OFFLINE} also set the device's
     * state in the manager; the KubeEdge state string ({@link DeviceState#wireName()}) goes to the twin.
     */
    void reportState(DeviceState state, String message);

    /**
     * Reports a change of the device's connection state with the reason in machine terms: the detail is shown
     * beside the state ({@code edge:device}, REST, the {@code detail} label of the metrics), the message says
     * the rest, e.g. {@code (OFFLINE, COMMUNICATION_ERROR, "connection refused by 127.0.0.1:1502")}. The
     * KubeEdge state stays {@code state}. The default (a callback of an older device manager) drops the detail.
     *
     * @param detail why; {@code null} counts as {@link StateDetail#defaultFor(DeviceState)}
     * @since 0.3
     */
    default void reportState(DeviceState state, StateDetail detail, String message) {
        reportState(state, message);
    }

    /**
     * Reports that the driver had to connect to the device again (a TCP reconnect after the old connection
     * broke) and the device now answers: it may have restarted and lost what was written to it, even when no
     * call failed in between. The device manager treats this as the device coming back and writes the accepted
     * desired values again. Reporting it after the first connection of a handler is not needed.
     *
     * @param message for people, e.g. {@code "reconnected to 127.0.0.1:5020"}
     * @since 0.3
     */
    default void reportReconnected(String message) {
        // a callback of an older device manager does nothing with it
    }
}
