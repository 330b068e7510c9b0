package io.karedge.shell.internal;

import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:pods}: the pods the pod manager runs, like {@code kubectl get pods -o wide}. */
@Service
@Command(scope = "edge", name = "pods",
        description = "List the pods this node runs: NAME READY STATUS RESTARTS AGE IP NODE.")
public class PodsCommand implements Action {

    static final String NOT_RUNNING = "the pod manager is not running (feature karedge-pod-manager)";

    @Reference(optional = true)
    PodManagerStatus podManager;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace = "default";

    @Option(name = "-A", aliases = "--all-namespaces", description = "Pods of every namespace")
    boolean allNamespaces;

    @Override
    public Object execute() throws Exception {
        if (podManager == null) {
            throw new CommandException(NOT_RUNNING);
        }
        List<PodInfo> pods = PodFormatter.select(podManager.pods(), namespace, allNamespaces);
        if (pods.isEmpty()) {
            System.err.println(PodFormatter.noPods(namespace, allNamespaces));
            return null;
        }
        System.out.print(PodFormatter.pods(pods, allNamespaces, Instant.now()));
        System.out.flush();
        return null;
    }
}
