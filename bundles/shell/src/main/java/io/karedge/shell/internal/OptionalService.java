package io.karedge.shell.internal;

import org.apache.karaf.shell.support.CommandException;
import org.osgi.framework.BundleContext;

/**
 * The service of an optional part that some commands show: the pod manager, the mesh proxy. Their APIs are
 * optional imports of this bundle. Karaf inspects every command class when the bundle starts (fields,
 * methods, annotations); a command class that named a missing API failed that inspection with a logged
 * {@code NoClassDefFoundError}. So the command classes look the service up by name here, and only the view
 * classes they call ({@link PodViews}, {@link MeshViews}) name the API, loaded when the command runs.
 */
enum OptionalService {

    POD_MANAGER("io.karedge.pod.PodManagerStatus", "io/karedge/pod/", "the pod manager", "karedge-pod-manager"),
    MESH("io.karedge.mesh.MeshStatus", "io/karedge/mesh/", "the mesh proxy", "karedge-mesh-proxy");

    /** What a command does with the service, naming its API. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    private final String serviceName;
    private final String apiPath;
    private final String part;
    private final String feature;

    OptionalService(String serviceName, String apiPath, String part, String feature) {
        this.serviceName = serviceName;
        this.apiPath = apiPath;
        this.part = part;
        this.feature = feature;
    }

    /** @return the line a command prints when the part is not there */
    String notRunning() {
        return part + " is not running (feature " + feature + ")";
    }

    /**
     * Runs {@code work} if the service is registered.
     *
     * @throws CommandException when it is not, or when its API came after this bundle was resolved
     */
    void run(BundleContext context, Work work) throws Exception {
        if (context == null || context.getServiceReference(serviceName) == null) {
            throw new CommandException(notRunning());
        }
        try {
            work.run();
        } catch (NoClassDefFoundError e) {
            if (e.getMessage() == null || !e.getMessage().startsWith(apiPath)) {
                throw e;
            }
            throw new CommandException(part + " runs, but this bundle was resolved before its API was there;"
                    + " bundle:refresh " + context.getBundle().getSymbolicName() + " makes the command see it");
        }
    }
}
