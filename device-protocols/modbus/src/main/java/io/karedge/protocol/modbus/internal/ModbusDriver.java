package io.karedge.protocol.modbus.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolName;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code modbus} protocol: Modbus TCP devices, addressed with KubeEdge's modbus visitor settings. One TCP
 * connection per device, opened on the first read or write and again after a failure. No threads of its own.
 */
@Component(service = ProtocolDriver.class)
@ProtocolName(ModbusDriver.PROTOCOL)
public final class ModbusDriver implements ProtocolDriver {

    static final String PROTOCOL = "modbus";
    private static final Logger LOG = LoggerFactory.getLogger(ModbusDriver.class);

    @Override
    public void validate(Device device) {
        ModbusEndpoint.of(device);
        ConfigBinding.check(device, ModbusEndpoint.class, ModbusVisitor.class).forEach(LOG::warn);
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        return new ModbusHandler(device, callback, ModbusEndpoint.of(device));
    }
}
