package io.karedge.shell.internal;

import io.karedge.api.meta.Kinds;
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

/** Completes DEVICE with the Devices of the MetaStore: {@code ns/name}, and the bare name in {@code default}. */
@Service
public class DeviceCompleter implements Completer {

    @Reference
    MetaStore store;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(devices(store)).complete(session, commandLine, candidates);
    }

    static TreeSet<String> devices(MetaStore store) {
        TreeSet<String> names = new TreeSet<>();
        store.list(Selector.kind(Kinds.DEVICE)).items().forEach(item -> {
            names.add(item.key().namespace() + "/" + item.key().name());
            if ("default".equals(item.key().namespace())) {
                names.add(item.key().name());
            }
        });
        return names;
    }
}
