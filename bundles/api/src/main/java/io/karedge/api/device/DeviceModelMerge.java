package io.karedge.api.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a model's defaults to a device the way KubeEdge (v1.22+) does before a device reaches a
 * driver: the model's {@code protocolConfigData} lies under the device's {@code protocol.configData},
 * and each model property's {@code visitors} lies under the device property's visitors. The device
 * wins; merges are shallow (top-level keys of {@code configData}).
 */
public final class DeviceModelMerge {

    private DeviceModelMerge() {
    }

    public static Device merge(Device device, DeviceModel model) {
        if (device.spec() == null || model == null || model.spec() == null) {
            return device;
        }
        DeviceSpec spec = device.spec();
        DeviceModelSpec modelSpec = model.spec();
        ProtocolConfig protocol = mergeProtocol(spec.protocol(), modelSpec.protocolConfigData());
        List<DeviceProperty> properties = new ArrayList<>();
        for (DeviceProperty property : spec.properties()) {
            Optional<ModelProperty> modelProperty = modelSpec.property(property.name());
            properties.add(modelProperty.filter(m -> m.visitors() != null)
                    .map(m -> property.withVisitors(mergeVisitors(m.visitors(), property.visitors())))
                    .orElse(property));
        }
        DeviceSpec merged = new DeviceSpec(spec.deviceModelRef(), spec.nodeName(), protocol, properties,
                spec.methods(), spec.stateReport());
        return new Device(device.apiVersion(), device.kind(), device.metadata(), merged, device.status());
    }

    private static ProtocolConfig mergeProtocol(ProtocolConfig protocol, ObjectNode modelDefaults) {
        if (modelDefaults == null) {
            return protocol;
        }
        ObjectNode config = modelDefaults.deepCopy();
        if (protocol != null && protocol.configData() != null) {
            config.setAll(protocol.configData().deepCopy());
        }
        return new ProtocolConfig(protocol == null ? null : protocol.protocolName(), config);
    }

    private static VisitorConfig mergeVisitors(VisitorConfig modelVisitors, VisitorConfig deviceVisitors) {
        ObjectNode config = modelVisitors.configData() == null
                ? KaredgeJson.mapper().createObjectNode() : modelVisitors.configData().deepCopy();
        if (deviceVisitors != null && deviceVisitors.configData() != null) {
            if (modelVisitors.configData() == null) {
                config = deviceVisitors.configData().deepCopy();
            } else {
                config.setAll(deviceVisitors.configData().deepCopy());
            }
        }
        return new VisitorConfig(modelVisitors.protocolName(), config);
    }
}
