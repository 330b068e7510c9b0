package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code Device.spec.stateReport}: whether and how often device state goes to the cloud (ms). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StateReport(Boolean reportToCloud, Long reportCycle) {
}
