package io.karedge.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.osgi.framework.BundleContext;

/** {@code edge:mesh peers}: the other nodes of the mesh tunnel, their path, round trip, streams and bytes. */
@Service
@Command(scope = "edge", name = "mesh",
        description = "Mesh views: 'peers' lists the tunnel's peer nodes (path direct or through a relay, RTT, streams, bytes in/out).")
public class MeshCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Argument(index = 0, name = "VIEW", required = true, description = "peers")
    String view;

    @Override
    public Object execute() throws Exception {
        if (!"peers".equals(view)) {
            throw new CommandException("Unknown view '" + view + "': edge:mesh peers");
        }
        OptionalService.MESH.run(bundleContext, () -> MeshViews.peers(bundleContext));
        return null;
    }
}
