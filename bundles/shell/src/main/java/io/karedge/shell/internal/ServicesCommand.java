package io.karedge.shell.internal;

import io.karedge.mesh.MeshStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:services}: the Services the mesh proxy serves, with their listeners and endpoints. */
@Service
@Command(scope = "edge", name = "services",
        description = "List proxied services: ports, local address, policy, endpoints with health and connections, DNS counters.")
public class ServicesCommand implements Action {

    @Reference(optional = true)
    MeshStatus mesh;

    @Override
    public Object execute() throws Exception {
        if (mesh == null) {
            throw new CommandException("the mesh proxy is not running (feature karedge-mesh-proxy)");
        }
        System.out.print(MeshFormatter.services(mesh.services(), mesh.dns()));
        System.out.flush();
        return null;
    }
}
