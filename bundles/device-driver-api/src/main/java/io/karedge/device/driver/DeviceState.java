package io.karedge.device.driver;

import java.util.Locale;

/** A device's state as KubeEdge reports it ({@code online}, {@code offline}, {@code unhealthy}, {@code unknown}). */
public enum DeviceState {
    ONLINE, OFFLINE, UNHEALTHY, UNKNOWN;

    /** @return the KubeEdge wire form */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
