package io.karedge.shell.internal;

import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.support.CommandException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code edge:pods} and {@code edge:logs} on the pod manager's service (see {@link OptionalService}). */
final class PodViews {

    private PodViews() {
    }

    @FunctionalInterface
    private interface PodWork {
        void run(PodManagerStatus manager) throws CommandException;
    }

    static void pods(BundleContext context, String namespace, boolean allNamespaces) throws CommandException {
        withManager(context, manager -> {
            List<PodInfo> pods = PodFormatter.select(manager.pods(), namespace, allNamespaces);
            if (pods.isEmpty()) {
                System.out.println(PodFormatter.noPods(namespace, allNamespaces));
                return;
            }
            System.out.print(PodFormatter.pods(pods, allNamespaces, Instant.now()));
            System.out.flush();
        });
    }

    static void logs(BundleContext context, String namespace, String pod, String container, boolean previous,
                     boolean follow, long pollMillis) throws CommandException {
        withManager(context, manager -> PodLogPrinter.run(manager, namespace, pod, container, previous, follow,
                pollMillis));
    }

    private static void withManager(BundleContext context, PodWork work) throws CommandException {
        ServiceReference<PodManagerStatus> reference = context.getServiceReference(PodManagerStatus.class);
        PodManagerStatus manager = reference == null ? null : context.getService(reference);
        if (manager == null) {
            throw new CommandException(OptionalService.POD_MANAGER.notRunning());
        }
        try {
            work.run(manager);
        } finally {
            context.ungetService(reference);
        }
    }
}
