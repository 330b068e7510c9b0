package io.karedge.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/** {@code edge:services}: the Services the mesh proxy serves, with their listeners and endpoints. */
@Service
@Command(scope = "edge", name = "services",
        description = "List proxied services: ports, local address, policy, endpoints with health and connections, DNS counters.")
public class ServicesCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Override
    public Object execute() throws Exception {
        OptionalService.MESH.run(bundleContext, () -> MeshViews.services(bundleContext));
        return null;
    }
}
