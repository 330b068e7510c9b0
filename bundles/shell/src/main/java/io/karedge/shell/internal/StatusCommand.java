package io.karedge.shell.internal;

import io.karedge.api.node.NodeStatusService;
import java.time.Instant;
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

    @Override
    public Object execute() {
        System.out.print(StatusFormatter.format(statusService.status(), Instant.now()));
        System.out.flush();
        return null;
    }
}
