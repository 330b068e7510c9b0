package io.karedge.device.manager.internal;

import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceState;
import io.karedge.device.driver.PropertyValue;
import io.karedge.device.driver.StateDetail;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The callback handed to one handler of a device; reports after its binding closed are ignored. */
final class HandlerCallback implements DeviceCallback {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerCallback.class);

    private final ManagedDevice device;
    private final Binding b;

    HandlerCallback(ManagedDevice device, Binding b) {
        this.device = device;
        this.b = b;
    }

    @Override
    public void reportValues(List<PropertyValue> values) {
        if (!b.closed && values != null) {
            device.accept(values, false);
        }
    }

    @Override
    public void reportState(DeviceState reported, String message) {
        reportState(reported, null, message);
    }

    @Override
    public void reportState(DeviceState reported, StateDetail given, String message) {
        if (b.closed || reported == null) {
            return;
        }
        String why = message == null || message.isBlank() ? "reported by " + b.driver.label() : message;
        switch (reported) {
            case ONLINE -> device.reportedOnline(why, reported.wireName());
            case OFFLINE, UNHEALTHY -> device.reportedOffline(given == null ? StateDetail.defaultFor(reported) : given,
                    why, reported.wireName());
            default -> LOG.debug("{} reported state {}: {}", device.id(), reported, why);
        }
    }

    /**
     * The driver connected to the device again. When the manager had noticed an absence, the next good read
     * writes the desired values (the return); otherwise the device may have restarted unnoticed: written now.
     */
    @Override
    public void reportReconnected(String message) {
        if (b.closed || device.absent()) {
            return;
        }
        LOG.info("Device {}: {}; writing its accepted desired values again", device.id(),
                message == null || message.isBlank() ? "the driver connected again" : message);
        device.rewriteDesired();
    }
}
