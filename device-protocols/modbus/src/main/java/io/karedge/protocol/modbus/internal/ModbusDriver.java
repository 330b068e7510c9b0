package io.karedge.protocol.modbus.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceProperty;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolName;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code modbus} protocol: Modbus TCP devices, addressed with KubeEdge's modbus visitor settings. One TCP
 * connection per device, opened on the first read or write and again after a failure. No threads of its own.
 */
@Component(service = ProtocolDriver.class)
@ProtocolName(ModbusDriver.PROTOCOL)
public final class ModbusDriver implements ProtocolDriver {

    static final String PROTOCOL = "modbus";

    @Override
    public void validate(Device device) {
        ModbusEndpoint.parse(device.id(), device.spec() == null || device.spec().protocol() == null
                ? null : device.spec().protocol().configData());
        if (device.spec() == null) {
            return;
        }
        for (DeviceProperty property : device.spec().properties()) {
            if (property.name() == null || property.name().isBlank()) {
                continue;
            }
            ModbusVisitor.parse(property.name(), new PropertyRequest(property, null).configData());
        }
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        ModbusEndpoint endpoint = ModbusEndpoint.parse(device.id(), device.spec() == null
                || device.spec().protocol() == null ? null : device.spec().protocol().configData());
        return new ModbusHandler(device, callback, endpoint);
    }
}
