package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/** A KubeEdge {@code devices.kubeedge.io/v1beta1} Device. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Device(String apiVersion, String kind, ObjectMeta metadata, DeviceSpec spec, DeviceStatus status) {

    public static final String API_VERSION = "devices.kubeedge.io/v1beta1";
    public static final String KIND = "Device";

    /** @return the edge device id, {@code <namespace>/<name>} */
    public String id() {
        return DeviceIds.of(metadata);
    }

    /** @return the protocol name of the device, or {@code ""} */
    public String protocolName() {
        return spec == null || spec.protocol() == null || spec.protocol().protocolName() == null
                ? "" : spec.protocol().protocolName();
    }

    /** @return the model name this device refers to, or {@code ""} */
    public String modelName() {
        return spec == null || spec.deviceModelRef() == null || spec.deviceModelRef().name() == null
                ? "" : spec.deviceModelRef().name();
    }
}
