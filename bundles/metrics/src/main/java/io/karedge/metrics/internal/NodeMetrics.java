package io.karedge.metrics.internal;

import io.karedge.api.node.BundleHealth;
import io.karedge.api.node.NodeStatus;
import io.karedge.api.node.NodeStatusService;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Node identity and health, and the store's size, version and object counts. */
@Component(service = NodeCollector.class)
public class NodeMetrics implements NodeCollector {

    private final NodeStatusService statusService;

    @Activate
    public NodeMetrics(@Reference(name = "nodeStatus") NodeStatusService statusService) {
        this.statusService = statusService;
    }

    @Override
    public void collect(MetricFamilies families) {
        NodeStatus status = statusService.status();
        families.info("karedge_node", "The node's name and mode",
                "node", status.nodeName(), "mode", status.mode().name().toLowerCase(Locale.ROOT));
        families.gauge("karedge_node_healthy", "1 when every Karedge bundle is healthy")
                .add(status.healthy() ? 1 : 0).done();
        if (status.startedAt() != null) {
            families.gauge("karedge_node_start_time_seconds", "When the node started, in Unix seconds")
                    .add(status.startedAt().toEpochMilli() / 1000.0).done();
        }
        long healthy = status.bundles().stream().filter(BundleHealth::healthy).count();
        families.gauge("karedge_bundles", "Karedge bundles by health")
                .add(healthy, "health", "healthy")
                .add(status.bundles().size() - healthy, "health", "unhealthy").done();
        families.gauge("karedge_store_size_bytes", "Bytes used by the data directory (database, WAL, state files)")
                .add(status.dataBytes()).done();
        families.gauge("karedge_store_resource_version", "The MetaStore's current resourceVersion")
                .add(status.resourceVersion()).done();
        MetricFamilies.Gauge objects = families.gauge("karedge_store_objects", "Stored objects by kind");
        for (Map.Entry<String, Long> count : status.objectCounts().entrySet()) {
            objects.add(count.getValue(), "kind", count.getKey());
        }
        objects.done();
    }
}
