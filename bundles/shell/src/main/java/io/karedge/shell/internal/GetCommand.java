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

    @Argument(index = 1, name = "NAME", description = "Name of one object")
    @Completion(NameCompleter.class)
    String name;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace;

    @Option(name = "-A", aliases = "--all-namespaces", description = "List objects across all namespaces")
    boolean allNamespaces;

    @Option(name = "-o", aliases = "--output", description = "Output format: wide, json or yaml")
    @Completion(value = StringsCompleter.class, values = {"wide", "json", "yaml"})
    String output;

    @Argument(index = 2, name = "OPTIONS", multiValued = true,
            description = "Options may also follow the arguments, as with kubectl")
    List<String> trailing;

    @Override
    public Object execute() throws Exception {
        TrailingOptions.apply(this);
        ObjectGetter.Output result;
        PodStatuses pods = PodManagerStatuses.lookUp(bundleContext);
        try {
            result = new ObjectGetter(store, Clock.systemUTC(), pods).get(new ObjectGetter.Request(kind,
                    name, namespace, allNamespaces, output));
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
            // a note, not an error; on standard output because bin/client's one-shot mode drops standard error
            System.out.print(result.err());
            System.out.flush();
        }
        return null;
    }
}
