package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/** A KubeEdge {@code devices.kubeedge.io/v1beta1} DeviceModel. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceModel(String apiVersion, String kind, ObjectMeta metadata, DeviceModelSpec spec) {

    public static final String KIND = "DeviceModel";
}
