package io.karedge.shell.internal;

import io.karedge.api.node.NodeStatusService;
import java.time.Instant;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code edge:status}: who the node is, what it stores and whether its bundles are healthy. */
@Service
@Command(scope = "edge", name = "status", description = "Show the node's identity, store and bundle health.")
public class StatusCommand implements Action {

    @Reference
    NodeStatusService statusService;

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() {
        Optional<String> pods;
        PodStatuses statuses = PodManagerStatuses.lookUp(bundleContext);
        try {
            pods = statuses.restore();
        } finally {
            if (statuses instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // a service released twice: nothing to do
                }
            }
        }
        System.out.print(StatusFormatter.format(statusService.status(), Instant.now(), pods));
        System.out.flush();
        return null;
    }
}
