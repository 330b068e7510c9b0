package io.karedge.shell.internal;

import io.karedge.mesh.MeshStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:resolve NAME}: what the mesh DNS answers for a service name. */
@Service
@Command(scope = "edge", name = "resolve", description = "Resolve a service name the way the mesh DNS does (never forwards).")
public class ResolveCommand implements Action {

    @Reference(optional = true)
    MeshStatus mesh;

    @Argument(index = 0, name = "NAME", required = true,
            description = "web, web.shop, web.shop.svc or web.shop.svc.cluster.local")
    String name;

    @Override
    public Object execute() throws Exception {
        if (mesh == null) {
            throw new CommandException("the mesh proxy is not running (feature karedge-mesh-proxy)");
        }
        System.out.print(MeshFormatter.resolution(mesh.resolve(name)));
        System.out.flush();
        return null;
    }
}
