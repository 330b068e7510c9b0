package io.karedge.protocol.virtual.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolName;
import java.util.Random;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code virtual} protocol: devices whose property values come from generators (constant, counter,
 * random, sine, setpoint), with optional latency, read errors and device-level failure modes. Needs no
 * hardware and no configuration; the demo devices of a fresh node use it.
 */
@Component(service = ProtocolDriver.class)
@ProtocolName(VirtualDriver.PROTOCOL)
public final class VirtualDriver implements ProtocolDriver {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualDriver.class);

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
        ConfigBinding.check(device, DeviceFailure.Protocol.class, PropertySettings.class).forEach(LOG::warn);
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        DeviceFailure failure = ConfigBinding.protocolConfigAs(device, DeviceFailure.Protocol.class).failure();
        return new VirtualHandler(device, callback, failure, clock, new Random());
    }
}
