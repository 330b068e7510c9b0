package io.karedge.shell.internal;

import io.karedge.api.meta.MetaStore;
import java.time.Clock;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

/** {@code edge:get KIND [NAME]}: the objects in the MetaStore, shaped like {@code kubectl get}. */
@Service
@Command(scope = "edge", name = "get", description = "Display stored objects of one kind, like kubectl get.",
        detailedDescription = "KIND is a kind, its plural or a short name (pods, po, devices, dev, svc, ...).\n"
                + "Without -n, namespaced kinds are read from the 'default' namespace; -A reads all.\n"
                + "Examples:\n"
                + "  edge:get devices -A\n"
                + "  edge:get po my-pod -n apps -o yaml\n"
                + "  edge:get svc -o wide")
public class GetCommand implements Action {

    @Reference
    MetaStore store;

    @Reference
    BundleContext bundleContext;

    @Argument(index = 0, name = "KIND", required = true, description = "Kind, plural or short name")
    @Completion(KindCompleter.class)
    String kind;

    /**
     * NAME and, as with kubectl, options after the positional words: Karaf stops reading options at the
     * first argument, so {@code edge:get po web -o yaml} arrives here as {@code [web, -o, yaml]}.
     */
    @Argument(index = 1, name = "NAME", multiValued = true,
            description = "Name of one object; options may follow, as with kubectl")
    @Completion(NameCompleter.class)
    List<String> rest;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace;

    @Option(name = "-A", aliases = "--all-namespaces", description = "List objects across all namespaces")
    boolean allNamespaces;

    @Option(name = "-o", aliases = "--output", description = "Output format: wide, json or yaml")
    @Completion(value = StringsCompleter.class, values = {"wide", "json", "yaml"})
    String output;

    @Override
    public Object execute() throws Exception {
        ObjectGetter.Output result;
        PodStatuses pods = PodManagerStatuses.lookUp(bundleContext);
        try {
            TrailingWords trailing = TrailingWords.parse(rest == null ? List.of() : rest);
            result = new ObjectGetter(store, Clock.systemUTC(), pods).get(new ObjectGetter.Request(kind,
                    trailing.name(), trailing.namespace() != null ? trailing.namespace() : namespace,
                    allNamespaces || trailing.allNamespaces(),
                    trailing.output() != null ? trailing.output() : output));
        } catch (GetException e) {
            throw new CommandException(e.getMessage(), e.getMessage());
        } finally {
            if (pods instanceof AutoCloseable held) {
                held.close();
            }
        }
        System.out.print(result.out());
        System.out.flush();
        if (!result.err().isEmpty()) {
            System.err.print(result.err());
            System.err.flush();
        }
        return null;
    }
}
