package io.karedge.shell.internal;

import io.karedge.mesh.MeshStatus;
import java.util.function.Function;
import org.apache.karaf.shell.support.CommandException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code edge:services}, {@code edge:mesh peers} and {@code edge:resolve} on the mesh proxy's service (see {@link OptionalService}). */
final class MeshViews {

    private MeshViews() {
    }

    static void services(BundleContext context) throws CommandException {
        String out = withMesh(context, mesh -> MeshFormatter.services(mesh.services(), mesh.dns()));
        System.out.print(out);
        System.out.flush();
    }

    static void peers(BundleContext context) throws CommandException {
        String out = withMesh(context, mesh -> MeshFormatter.peers(mesh.peers()));
        System.out.print(out);
        System.out.flush();
    }

    static void resolve(BundleContext context, String name) throws CommandException {
        String out = withMesh(context, mesh -> MeshFormatter.resolution(mesh.resolve(name)));
        System.out.print(out);
        System.out.flush();
    }

    private static String withMesh(BundleContext context, Function<MeshStatus, String> view)
            throws CommandException {
        ServiceReference<MeshStatus> reference = context.getServiceReference(MeshStatus.class);
        MeshStatus mesh = reference == null ? null : context.getService(reference);
        if (mesh == null) {
            throw new CommandException(OptionalService.MESH.notRunning());
        }
        try {
            return view.apply(mesh);
        } finally {
            context.ungetService(reference);
        }
    }
}
