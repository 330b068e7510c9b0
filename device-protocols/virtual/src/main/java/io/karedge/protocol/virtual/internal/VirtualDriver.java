package io.karedge.protocol.virtual.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceProperty;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolName;
import java.util.Random;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code virtual} protocol: devices whose property values come from generators (constant, counter,
 * random, sine, setpoint), with optional latency, read errors and device-level failure modes. Needs no
 * hardware and no configuration; the demo devices of a fresh node use it.
 */
@Component(service = ProtocolDriver.class)
@ProtocolName(VirtualDriver.PROTOCOL)
public final class VirtualDriver implements ProtocolDriver {

    static final String PROTOCOL = "virtual";

    private final LongSupplier clock;

    public VirtualDriver() {
        this(System::currentTimeMillis);
    }

    VirtualDriver(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void validate(Device device) {
        DeviceFailure.parse(device.spec() == null || device.spec().protocol() == null
                ? null : device.spec().protocol().configData());
        if (device.spec() == null) {
            return;
        }
        for (DeviceProperty property : device.spec().properties()) {
            PropertyRequest request = new PropertyRequest(property, null);
            PropertySettings.rejectUnknownKeys(property.name(), request.configData());
            PropertySettings.parse(property.name(), request.configData());
        }
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        DeviceFailure failure = DeviceFailure.parse(device.spec() == null || device.spec().protocol() == null
                ? null : device.spec().protocol().configData());
        return new VirtualHandler(device, callback, failure, clock, new Random());
    }
}
