package io.karedge.cloud.bridge;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's link to CloudCore, registered while the cloud bridge is configured. No service means no
 * cloud: the node is standalone.
 */
@ProviderType
public interface CloudLinkStatus {

    /** @return the current state and counters; cheap, never blocks */
    CloudLinkSnapshot snapshot();

    /**
     * @return the Uplink entries sent, acknowledged and given up on so far; cheap, never blocks
     * @since 1.2
     */
    default UplinkDelivery uplinkDelivery() {
        return new UplinkDelivery(0, 0, 0, 0);
    }
}
