package io.karedge.shell.internal;

import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.Kinds.KindInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns what the user typed into a known kind, and words the answers about kinds like kubectl. */
final class KindNames {

    private KindNames() {
    }

    static KindInfo resolve(String typed) throws GetException {
        return Kinds.resolve(typed).orElseThrow(() -> new GetException(
                "error: the server doesn't have a resource type \"" + typed + "\"\n" + knownKindsLine()));
    }

    /** @return {@code known kinds: pods (po), configmaps (cm), ...} */
    static String knownKindsLine() {
        List<String> known = new ArrayList<>();
        for (KindInfo info : Kinds.known()) {
            known.add(info.shortNames().isEmpty()
                    ? info.plural()
                    : info.plural() + " (" + String.join(", ", info.shortNames()) + ")");
        }
        return "known kinds: " + String.join(", ", known);
    }

    /** @return every name a kind answers to: plural, lower-case kind and short names, no duplicates */
    static List<String> aliases() {
        List<String> names = new ArrayList<>();
        for (KindInfo info : Kinds.known()) {
            addOnce(names, info.plural());
            addOnce(names, info.kind().toLowerCase(Locale.ROOT));
            info.shortNames().forEach(shortName -> addOnce(names, shortName));
        }
        return names;
    }

    /**
     * @return the resource as kubectl names it in messages: the plural for core kinds, the plural and
     *         API group for others ({@code devices.devices.kubeedge.io})
     */
    static String qualifiedPlural(KindInfo info) {
        int slash = info.apiVersion().indexOf('/');
        return slash < 0 ? info.plural() : info.plural() + "." + info.apiVersion().substring(0, slash);
    }

    private static void addOnce(List<String> names, String name) {
        if (!names.contains(name)) {
            names.add(name);
        }
    }
}
