package io.karedge.device.driver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A device found by {@link DeviceDiscovery}: enough to write a Device spec from.
 *
 * @param name           a suggested Kubernetes name (a DNS subdomain)
 * @param description    what the device said about itself, for people
 * @param protocolConfig the {@code spec.protocol.configData} that reaches it
 * @param properties     names of properties it offers, possibly none
 * @since 0.2
 */
public record DiscoveredDevice(String name, String description, ObjectNode protocolConfig, List<String> properties) {

    public DiscoveredDevice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocolConfig, "protocolConfig");
        description = description == null ? "" : description;
        properties = properties == null ? List.of() : List.copyOf(properties);
    }
}
