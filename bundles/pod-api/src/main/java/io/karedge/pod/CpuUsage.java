package io.karedge.pod;

import java.time.Instant;
import java.util.Objects;

/**
 * CPU used by a container, a pod or the node, as sampled at one time (the kubelet's {@code CPUStats}).
 *
 * @param time            when it was sampled
 * @param coreNanoSeconds CPU time used since the start, summed over all cores, in nanoseconds
 * @param nanoCores       the recent rate of use in nano-cores (a billionth of a core), or {@link #UNKNOWN}
 */
public record CpuUsage(Instant time, long coreNanoSeconds, long nanoCores) {

    /** A value the source did not give. */
    public static final long UNKNOWN = -1;

    public CpuUsage {
        Objects.requireNonNull(time, "time");
    }
}
