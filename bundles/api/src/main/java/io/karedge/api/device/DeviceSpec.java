package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code Device.spec}. Lists are never null. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DeviceSpec(DeviceModelRef deviceModelRef, String nodeName, ProtocolConfig protocol,
                         List<DeviceProperty> properties, List<DeviceMethod> methods,
                         StateReport stateReport) {

    public DeviceSpec {
        properties = properties == null ? List.of() : List.copyOf(properties);
        methods = methods == null ? List.of() : List.copyOf(methods);
    }
}
