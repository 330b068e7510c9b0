package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code Device.spec.protocol}: the protocol name that selects a driver or mapper, and free-form
 * connection settings (callers must not modify {@code configData}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProtocolConfig(String protocolName, ObjectNode configData) {
}
