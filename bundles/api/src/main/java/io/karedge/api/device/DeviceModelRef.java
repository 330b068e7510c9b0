package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code Device.spec.deviceModelRef}: a model in the device's namespace. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceModelRef(String name) {
}
