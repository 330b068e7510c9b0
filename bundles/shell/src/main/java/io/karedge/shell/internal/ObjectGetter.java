package io.karedge.shell.internal;

import io.karedge.api.meta.Kinds.KindInfo;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@code edge:get} does, without the shell: reads the MetaStore and prints like kubectl. */
final class ObjectGetter {

    static final String DEFAULT_NAMESPACE = "default";

    /** What to ask for. {@code name}, {@code namespace} and {@code output} may be {@code null}. */
    record Request(String kind, String name, String namespace, boolean allNamespaces, String output) {
    }

    /** What to print: {@code out} to standard output, {@code err} (may be empty) to standard error. */
    record Output(String out, String err) {
    }

    private final MetaStore store;
    private final Clock clock;

    ObjectGetter(MetaStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Output get(Request request) throws GetException {
        KindInfo kind = KindNames.resolve(request.kind());
        OutputFormat format = OutputFormat.parse(request.output());
        boolean all = request.allNamespaces() && kind.namespaced();
        if (request.allNamespaces() && request.name() != null) {
            throw new GetException("error: a resource cannot be retrieved by name across all namespaces");
        }
        String namespace = !kind.namespaced() ? ""
                : request.namespace() == null || request.namespace().isBlank() ? DEFAULT_NAMESPACE
                : request.namespace();

        if (request.name() != null) {
            Optional<StoredObject> found = store.get(ObjectKey.of(kind.kind(), namespace, request.name()));
            if (found.isEmpty()) {
                throw new GetException("Error from server (NotFound): " + KindNames.qualifiedPlural(kind) + " \""
                        + request.name() + "\" not found");
            }
            return format == OutputFormat.JSON || format == OutputFormat.YAML
                    ? new Output(ObjectDocuments.render(found.get().object(), format), "")
                    : new Output(table(kind, List.of(found.get()), false, format), "");
        }

        ListResult listed = store.list(Selector.of(kind.kind(), all || !kind.namespaced() ? null : namespace));
        if (format == OutputFormat.JSON || format == OutputFormat.YAML) {
            return new Output(ObjectDocuments.render(
                    ObjectDocuments.list(listed.items(), listed.resourceVersion()), format), "");
        }
        if (listed.items().isEmpty()) {
            return new Output("", all || !kind.namespaced()
                    ? "No resources found\n"
                    : "No resources found in " + namespace + " namespace.\n");
        }
        return new Output(table(kind, listed.items(), all, format), "");
    }

    private String table(KindInfo kind, List<StoredObject> objects, boolean allNamespaces, OutputFormat format) {
        Instant now = clock.instant();
        List<ObjectColumns.Column> columns =
                ObjectColumns.forKind(kind.kind(), allNamespaces, format == OutputFormat.WIDE, now);
        List<String> headers = new ArrayList<>();
        columns.forEach(column -> headers.add(column.header()));
        TextTable table = new TextTable(headers);
        for (StoredObject object : objects) {
            List<String> cells = new ArrayList<>();
            columns.forEach(column -> cells.add(column.value().apply(object)));
            table.row(cells);
        }
        return table.render();
    }
}
