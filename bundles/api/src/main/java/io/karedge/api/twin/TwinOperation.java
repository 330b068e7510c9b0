package io.karedge.api.twin;

/**
 * The operations of the KubeEdge twin topics, named after their topic suffix.
 *
 * @since 1.1
 */
public enum TwinOperation {
    /** {@code $hw/events/device/<ns>/<name>/twin/update}: an edge-originated update */
    TWIN_UPDATE("twin/update"),
    /** {@code .../twin/cloud_updated}: a sync with version vectors */
    TWIN_CLOUD_UPDATED("twin/cloud_updated"),
    /** {@code .../twin/get} */
    TWIN_GET("twin/get"),
    /** {@code .../state/update}: the device's connection state */
    STATE_UPDATE("state/update"),
    /** {@code $hw/events/node/<node>/membership/get} */
    MEMBERSHIP_GET("membership/get");

    private final String suffix;

    TwinOperation(String suffix) {
        this.suffix = suffix;
    }

    /** @return the topic suffix after the device id or node name, without a leading slash */
    public String suffix() {
        return suffix;
    }

    /** @return true for operations addressed to a node rather than a device */
    public boolean isNodeOperation() {
        return this == MEMBERSHIP_GET;
    }
}
