package io.karedge.protocol.mqtt.internal;

import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.device.driver.TestDevices;

/** Test devices: one property per string {@code name|TYPE|access|visitor configData as flow YAML}. */
final class MqttDevices {

    private MqttDevices() {
    }

    static Device device(String protocolConfig, String... properties) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: Device
                metadata: {name: sensor-1, namespace: plant}
                spec:
                  deviceModelRef: {name: sensor-model}
                  protocol:
                    protocolName: mqtt
                """);
        yaml.append("    configData: ").append(protocolConfig).append('\n');
        yaml.append("  properties:\n");
        for (String property : properties) {
            String[] parts = property.split("\\|", 4);
            yaml.append("    - name: ").append(parts[0]).append('\n')
                    .append("      visitors: {protocolName: mqtt, configData: ").append(parts[3]).append("}\n");
        }
        return TestDevices.device(yaml.toString());
    }

    static DeviceModel model(String... properties) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: devices.kubeedge.io/v1beta1
                kind: DeviceModel
                metadata: {name: sensor-model, namespace: plant}
                spec:
                  protocol: mqtt
                  properties:
                """);
        for (String property : properties) {
            String[] parts = property.split("\\|", 4);
            yaml.append("    - {name: ").append(parts[0]).append(", type: ").append(parts[1])
                    .append(", accessMode: ").append(parts[2]).append("}\n");
        }
        return TestDevices.model(yaml.toString());
    }
}
