package io.karedge.node.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeStatus;
import io.karedge.api.node.NodeStatusService;
import java.time.Instant;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** Puts the node's status together from its identity, the MetaStore and the framework. */
@Component
public final class NodeStatusComponent implements NodeStatusService {

    private final EdgeNode node;
    private final MetaStore metaStore;
    private final BundleHealthReader bundles;
    private final Instant startedAt = Instant.now();

    @Activate
    public NodeStatusComponent(BundleContext context, @Reference EdgeNode node, @Reference MetaStore metaStore,
                               @Reference ServiceComponentRuntime scr) {
        this.node = node;
        this.metaStore = metaStore;
        this.bundles = new BundleHealthReader(context, scr);
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(node.nodeName(), node.mode(), node.dataDirectory().toString(),
                DirectorySize.of(node.dataDirectory()), metaStore.resourceVersion(), metaStore.countByKind(),
                bundles.read(), startedAt);
    }
}
