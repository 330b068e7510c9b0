package io.karedge.protocol.opcua.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.PropertyWrite;
import io.karedge.device.driver.TestDevices;
import java.util.List;

/**
 * Test devices: one property per string {@code name|TYPE|access|visitor configData as flow YAML}; every
 * property is collected every 100 ms and reported every 500 ms unless the test says otherwise.
 */
final class OpcUaDevices {

    private OpcUaDevices() {
    }

    static Device device(String name, String protocolConfig, String... properties) {
        return device(name, protocolConfig, 100, 500, properties);
    }

    /** A device whose properties are collected every {@code collectCycle} and reported every {@code reportCycle} ms. */
    static Device device(String name, String protocolConfig, long collectCycle, long reportCycle,
                         String... properties) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: %s, namespace: plant}
                spec:
                  deviceModelRef: {name: line-model}
                  protocol:
                    protocolName: opcua
                """.formatted(name));
        yaml.append("    configData: ").append(protocolConfig).append('\n');
        yaml.append("  properties:\n");
        for (String property : properties) {
            String[] parts = property.split("\\|", 4);
            yaml.append("    - name: ").append(parts[0]).append('\n')
                    .append("      collectCycle: ").append(collectCycle).append('\n')
                    .append("      reportCycle: ").append(reportCycle).append('\n')
                    .append("      visitors: {protocolName: opcua, configData: ").append(parts[3]).append("}\n");
        }
        return TestDevices.device(yaml.toString());
    }

    static DeviceModel model(String... properties) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata: {name: line-model, namespace: plant}
                spec:
                  protocol: opcua
                  properties:
                """);
        for (String property : properties) {
            String[] parts = property.split("\\|", 4);
            yaml.append("    - {name: ").append(parts[0]).append(", type: ").append(parts[1])
                    .append(", accessMode: ").append(parts[2]).append("}\n");
        }
        return TestDevices.model(yaml.toString());
    }

    static List<PropertyRequest> requests(Device device, String... properties) {
        return PropertyRequest.of(device, model(properties));
    }

    static PropertyRequest request(List<PropertyRequest> requests, String name) {
        return requests.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    static PropertyWrite write(List<PropertyRequest> requests, String name, String value) {
        return new PropertyWrite(request(requests, name), value);
    }
}
