package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRestore;
import java.util.Locale;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * {@link PodStatuses} from the pod manager's service, held for one command. The pod API is an optional
 * import of this bundle, so this class is the only one that names it, and it is loaded only when the
 * service is registered.
 */
final class PodManagerStatuses implements PodStatuses, AutoCloseable {

    private static final String SERVICE = "io.karedge.pod.PodManagerStatus";

    private final BundleContext context;
    private final ServiceReference<PodManagerStatus> reference;
    private final PodManagerStatus manager;

    private PodManagerStatuses(BundleContext context, ServiceReference<PodManagerStatus> reference,
                               PodManagerStatus manager) {
        this.context = context;
        this.reference = reference;
        this.manager = manager;
    }

    /** The running pod manager's statuses (close them when done), or {@link PodStatuses#NONE}. */
    static PodStatuses lookUp(BundleContext context) {
        if (context == null || context.getServiceReference(SERVICE) == null) {
            return NONE;
        }
        try {
            ServiceReference<PodManagerStatus> reference = context.getServiceReference(PodManagerStatus.class);
            PodManagerStatus manager = reference == null ? null : context.getService(reference);
            return manager == null ? NONE : new PodManagerStatuses(context, reference, manager);
        } catch (LinkageError e) {
            // the pod API arrived after this bundle was resolved, and the bundle was not refreshed
            return NONE;
        }
    }

    @Override
    public boolean running() {
        return true;
    }

    @Override
    public Optional<JsonNode> status(String namespace, String name) {
        return manager.pod(namespace, name).map(PodInfo::status);
    }

    @Override
    public Optional<String> restore() {
        return manager.restore().map(PodManagerStatuses::describe);
    }

    static String describe(PodRestore restore) {
        String seconds = String.format(Locale.ROOT, "%.2f s", restore.elapsed().toMillis() / 1000.0);
        if (restore.pods() == 0) {
            return "none to restore at this start";
        }
        if (!restore.done()) {
            return restore.running() + " of " + restore.pods() + " running, " + seconds + " after the process started";
        }
        String line = "pods restored in " + seconds + " (" + restore.running() + " of " + restore.pods()
                + " running; pod manager started at "
                + String.format(Locale.ROOT, "%.2f s", restore.managerStarted().toMillis() / 1000.0) + ")";
        return restore.notRunning().isEmpty() ? line
                : line + "; not running: " + String.join(", ", restore.notRunning());
    }

    @Override
    public void close() {
        context.ungetService(reference);
    }
}
