package io.karedge.shell.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.Selector;
import java.util.List;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes {@code -n}: the namespaces that hold at least one stored object, and {@code default}. */
@Service
public class NamespaceCompleter implements Completer {

    @Reference
    MetaStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        TreeSet<String> namespaces = new TreeSet<>();
        namespaces.add(ObjectGetter.DEFAULT_NAMESPACE);
        store.list(Selector.ALL).items().forEach(item -> {
            if (!item.key().namespace().isEmpty()) {
                namespaces.add(item.key().namespace());
            }
        });
        return new StringsCompleter(namespaces).complete(session, commandLine, candidates);
    }
}
