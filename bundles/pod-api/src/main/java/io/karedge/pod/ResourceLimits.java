package io.karedge.pod;

/**
 * A container's CPU and memory, from {@code resources.requests} and {@code resources.limits}.
 *
 * @param cpuRequestMillis requested CPU in millicores, 0 if none
 * @param cpuLimitMillis   CPU limit in millicores, 0 if none
 * @param memoryLimitBytes memory limit in bytes, 0 if none
 */
public record ResourceLimits(long cpuRequestMillis, long cpuLimitMillis, long memoryLimitBytes) {

    public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0);
}
