package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code Device.status}; which fields are present depends on the KubeEdge version. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DeviceStatus(List<Twin> twins, String state, String lastOnlineTime, Boolean reportToCloud,
                           Long reportCycle) {

    public DeviceStatus {
        twins = twins == null ? List.of() : List.copyOf(twins);
    }

    /** One reported twin in the status. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Twin(String propertyName, TwinProperty reported, TwinProperty observedDesired) {
    }
}
