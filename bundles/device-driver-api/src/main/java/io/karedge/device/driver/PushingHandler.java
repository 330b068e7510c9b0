package io.karedge.device.driver;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optional ability of a {@link DeviceHandler}: the device pushes values (MQTT subscription, OPC UA
 * monitored items, change-of-value notifications) instead of being polled.
 *
 * <p>Right after {@link ProtocolDriver#open}, the manager calls {@link #subscribe} once with every
 * property of the device. The handler starts delivering the properties it accepts through
 * {@link DeviceCallback#reportValues}, from its own threads, until {@link DeviceHandler#close()}. The
 * manager polls the properties the handler did not accept at their collect cycle, as usual. Values pushed
 * more often than a property's report cycle are coalesced: the latest one is reported.
 *
 * @since 0.2
 */
@ConsumerType
public interface PushingHandler extends DeviceHandler {

    /**
     * Starts pushing. Must not block for long (set up the subscription asynchronously if needed).
     *
     * @param requests every property of the device
     * @return the requests this handler pushes; the others are polled
     * @throws DriverException if the subscription cannot be set up; the device is then polled entirely
     */
    List<PropertyRequest> subscribe(List<PropertyRequest> requests) throws DriverException;
}
