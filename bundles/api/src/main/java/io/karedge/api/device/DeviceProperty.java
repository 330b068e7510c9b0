package io.karedge.api.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code Device.spec.properties[]}. Cycles are in milliseconds; {@code 0} or absent means the KubeEdge
 * default of 1000 ms ({@link #collectCycleMillis()}, {@link #reportCycleMillis()}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceProperty(String name, TwinProperty desired, VisitorConfig visitors, Boolean reportToCloud,
                             Long collectCycle, Long reportCycle, PushMethod pushMethod) {

    public static final long DEFAULT_CYCLE_MILLIS = 1000;

    public long collectCycleMillis() {
        return collectCycle == null || collectCycle <= 0 ? DEFAULT_CYCLE_MILLIS : collectCycle;
    }

    public long reportCycleMillis() {
        return reportCycle == null || reportCycle <= 0 ? DEFAULT_CYCLE_MILLIS : reportCycle;
    }

    public boolean reportsToCloud() {
        return Boolean.TRUE.equals(reportToCloud);
    }

    /** @return a copy with other visitors */
    public DeviceProperty withVisitors(VisitorConfig newVisitors) {
        return new DeviceProperty(name, desired, newVisitors, reportToCloud, collectCycle, reportCycle, pushMethod);
    }
}
