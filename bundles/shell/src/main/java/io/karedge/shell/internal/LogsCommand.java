package io.karedge.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;

/** {@code edge:logs POD [CONTAINER]}: a container's log, like {@code kubectl logs}, optionally followed. */
@Service
@Command(scope = "edge", name = "logs", description = "Print the log of a pod's container; -f follows it until Ctrl-C.",
        detailedDescription = "Without CONTAINER the pod's first container is read.")
public class LogsCommand implements Action {

    /** Pause between reads while following and nothing new came. */
    static final long POLL_MILLIS = 500;

    @Reference
    BundleContext bundleContext;

    @Argument(index = 0, name = "POD", required = true, description = "Pod name")
    String pod;

    @Argument(index = 1, name = "CONTAINER", description = "Container name (default: the pod's first container)")
    String container;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace = "default";

    @Option(name = "-f", aliases = "--follow", description = "Keep printing new lines until Ctrl-C")
    boolean follow;

    @Option(name = "-p", aliases = "--previous", description = "The log of the previous (terminated) instance")
    boolean previous;

    @Argument(index = 2, name = "OPTIONS", multiValued = true,
            description = "Options may also follow the arguments, as with kubectl")
    List<String> trailing;

    @Override
    public Object execute() throws Exception {
        TrailingOptions.apply(this);
        OptionalService.POD_MANAGER.run(bundleContext, () -> PodViews.logs(bundleContext, namespace, pod,
                container, previous, follow, POLL_MILLIS));
        return null;
    }
}
