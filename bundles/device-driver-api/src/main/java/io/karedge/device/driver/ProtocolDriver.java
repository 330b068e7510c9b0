package io.karedge.device.driver;

import io.karedge.api.device.Device;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A protocol driver: a whiteboard service, registered with the service property
 * {@value ProtocolName#PROPERTY} (use {@link ProtocolName}) equal to the protocol name devices ask for in
 * {@code spec.protocol.protocolName}.
 *
 * <p><b>Selection.</b> When several drivers register the same protocol, the one with the highest
 * {@code service.ranking} wins, then the lowest {@code service.id} (the oldest registration); the others
 * stand by and take over when it leaves. A driver that arrives with a higher ranking takes the devices
 * over: their handlers on the old driver are closed and new ones opened.
 *
 * <p><b>Lifecycle of a device.</b> The device manager calls {@link #validate} and then {@link #open} for
 * each device bound to the driver, with the model's defaults already merged into the device (KubeEdge
 * v1.22 rules). It then calls the handler's {@code read} and {@code write} methods on each collect cycle
 * and desired-value change, and {@link DeviceHandler#close()} when the device is removed or changed, or
 * when the driver or the manager stops. A changed device spec gets a new handler; a changed desired value
 * is a {@code write} on the existing one.
 *
 * <p><b>Threads.</b> The device manager owns the threads: it calls drivers from its shared, named
 * scheduler, never from a thread per device. Calls for one handler are never concurrent, but calls for
 * different handlers (also of the same device, when a handler is replaced while an old call still hangs)
 * may be. {@code validate} and {@code open} must not block: no connecting, no I/O; connect lazily in the
 * first {@code read} or {@code write}. A driver owns no threads unless a handler pushes values
 * ({@link PushingHandler}), and then it stops them in {@code close()}.
 *
 * <p><b>Blocking and timeouts.</b> {@code read} and {@code write} may block for I/O, bounded by the
 * driver's own timeouts. The manager also bounds each call ({@code read.timeout.ms}): when a call
 * overruns, the device is marked offline, the calling thread is interrupted, and no further call is made
 * on that handler until the hung one returns (its result is then discarded). A driver that honours
 * interrupts gives its thread back at once.
 *
 * <p><b>Stopping.</b> When the driver bundle stops (or is updated), its service is unregistered first;
 * the manager then closes every handler of the driver with a bounded wait and marks its devices paused
 * until a driver for the protocol returns. A read or write in progress at that moment may fail or be
 * abandoned; its result is discarded. A driver must therefore make {@code close()} safe to call while
 * another thread is still inside {@code read} or {@code write}, and must not depend on that call
 * finishing.
 *
 * <p><b>Errors.</b> A driver only ever harms its own devices: an exception or a hang in one handler takes
 * that device offline and nothing else. Runtime exceptions from {@code read}/{@code write} are treated
 * like {@link DriverException}.
 */
@ConsumerType
public interface ProtocolDriver {

    /**
     * Checks a device's protocol and visitor settings ({@code spec.protocol.configData} and every
     * property's {@code visitors.configData}) without touching the device. Must not block.
     *
     * @throws IllegalArgumentException with a message a user can act on when the settings are wrong; the
     *                                  device then stays in the ERROR state with that message until its
     *                                  spec changes
     */
    default void validate(Device device) {
    }

    /**
     * Creates the handler of one device. Must return quickly: it must not connect synchronously.
     *
     * @param device   the device, with the model's defaults merged into it
     * @param callback where the handler reports pushed values and state changes
     * @return the handler; if it also implements {@link PushingHandler}, the manager asks it which
     *         properties it pushes
     */
    DeviceHandler open(Device device, DeviceCallback callback);
}
