package io.karedge.api.node;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code edge:status} and {@code GET /api/v1/status} show.
 *
 * @param nodeName        the node name
 * @param mode            standalone or cloud
 * @param dataDirectory   where durable state lives
 * @param dataBytes       bytes used under the data directory
 * @param resourceVersion the MetaStore's current version
 * @param objectCounts    stored objects per kind
 * @param bundles         the Karedge bundles and their health
 * @param startedAt       when the node's status service started
 */
public record NodeStatus(String nodeName, NodeMode mode, String dataDirectory, long dataBytes, long resourceVersion,
                         Map<String, Long> objectCounts, List<BundleHealth> bundles, Instant startedAt) {

    public NodeStatus {
        objectCounts = Map.copyOf(objectCounts);
        bundles = List.copyOf(bundles);
    }

    /** @return whether every Karedge bundle is healthy */
    public boolean healthy() {
        return bundles.stream().allMatch(BundleHealth::healthy);
    }
}
