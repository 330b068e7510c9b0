package io.karedge.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/** {@code edge:pods}: the pods the pod manager runs, like {@code kubectl get pods -o wide}. */
@Service
@Command(scope = "edge", name = "pods",
        description = "List the pods this node runs: NAME READY STATUS RESTARTS AGE IP NODE.")
public class PodsCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace = "default";

    @Option(name = "-A", aliases = "--all-namespaces", description = "Pods of every namespace")
    boolean allNamespaces;

    @Override
    public Object execute() throws Exception {
        OptionalService.POD_MANAGER.run(bundleContext, () -> PodViews.pods(bundleContext, namespace, allNamespaces));
        return null;
    }
}
