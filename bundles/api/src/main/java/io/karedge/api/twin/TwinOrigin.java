package io.karedge.api.twin;

/**
 * Where a twin request came from: for logs, for listeners that must not echo their own writes, and for
 * the rule on desired values (see the twin engine's README).
 *
 * @since 1.1
 */
public enum TwinOrigin {
    /** an MQTT application (the KubeEdge {@code $hw/events/...} topics) */
    MQTT,
    /** an in-process protocol driver, through the device manager */
    DRIVER,
    /** an out-of-process mapper over DMI */
    MAPPER,
    /** the REST API */
    REST,
    /** the Karaf shell */
    SHELL,
    /** the cloud (CloudCore, through the cloud bridge) */
    CLOUD
}
