package io.karedge.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/** {@code edge:resolve NAME}: what the mesh DNS answers for a service name. */
@Service
@Command(scope = "edge", name = "resolve", description = "Resolve a service name the way the mesh DNS does (never forwards).")
public class ResolveCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Argument(index = 0, name = "NAME", required = true,
            description = "web, web.shop, web.shop.svc or web.shop.svc.cluster.local")
    String name;

    @Override
    public Object execute() throws Exception {
        OptionalService.MESH.run(bundleContext, () -> MeshViews.resolve(bundleContext, name));
        return null;
    }
}
