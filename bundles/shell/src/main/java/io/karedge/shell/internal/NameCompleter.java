package io.karedge.shell.internal;

import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.Selector;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes NAME with the names of stored objects of the KIND typed earlier on the line (in the
 * {@code -n} namespace if one is given); with no known KIND, the names of all stored objects.
 */
@Service
public class NameCompleter implements Completer {

    @Reference
    MetaStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        CommandWords words = new CommandWords(commandLine.getArguments(), commandLine.getCursorArgumentIndex());
        return new StringsCompleter(names(store, words)).complete(session, commandLine, candidates);
    }

    static TreeSet<String> names(MetaStore store, CommandWords words) {
        Optional<Kinds.KindInfo> kind = words.kind().flatMap(Kinds::resolve);
        Selector selector = kind
                .map(info -> Selector.of(info.kind(), info.namespaced() ? words.namespace().orElse(null) : null))
                .orElse(Selector.ALL);
        TreeSet<String> names = new TreeSet<>();
        store.list(selector).items().forEach(item -> names.add(item.key().name()));
        return names;
    }
}
