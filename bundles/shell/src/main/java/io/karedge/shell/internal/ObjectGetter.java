package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
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

    /** Said under a list of pods that nothing runs. */
    static final String NO_POD_MANAGER = "These pods do not run: this node has no pod manager. "
            + "`feature:install karedge-pods` runs them on containerd (/run/containerd/containerd.sock).\n";

    private final MetaStore store;
    private final Clock clock;
    private final PodStatuses pods;

    ObjectGetter(MetaStore store, Clock clock) {
        this(store, clock, PodStatuses.NONE);
    }

    /** @param pods where a pod's live status comes from */
    ObjectGetter(MetaStore store, Clock clock, PodStatuses pods) {
        this.store = store;
        this.clock = clock;
        this.pods = pods;
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
            Optional<StoredObject> found = store.get(ObjectKey.of(kind.kind(), namespace, request.name()))
                    .map(this::withLiveStatus);
            if (found.isEmpty()) {
                throw new GetException("Error from server (NotFound): " + KindNames.qualifiedPlural(kind) + " \""
                        + request.name() + "\" not found");
            }
            return format == OutputFormat.JSON || format == OutputFormat.YAML
                    ? new Output(ObjectDocuments.render(found.get().object(), format), "")
                    : new Output(table(kind, List.of(found.get()), false, format), "");
        }

        ListResult listed = store.list(Selector.of(kind.kind(), all || !kind.namespaced() ? null : namespace));
        List<StoredObject> items = listed.items().stream().map(this::withLiveStatus).toList();
        if (format == OutputFormat.JSON || format == OutputFormat.YAML) {
            return new Output(ObjectDocuments.render(
                    ObjectDocuments.list(items, listed.resourceVersion()), format), "");
        }
        if (items.isEmpty()) {
            return new Output("", all || !kind.namespaced()
                    ? "No resources found\n"
                    : "No resources found in " + namespace + " namespace.\n");
        }
        boolean idlePods = Kinds.POD.equals(kind.kind()) && !pods.running();
        return new Output(table(kind, items, all, format), idlePods ? NO_POD_MANAGER : "");
    }

    /**
     * A pod with the status the pod manager computed for it; with no pod manager, a pod without a status
     * is {@code Pending} for the reason {@code NoPodManager}. Other objects as stored.
     */
    private StoredObject withLiveStatus(StoredObject object) {
        if (!Kinds.POD.equals(object.key().kind())) {
            return object;
        }
        Optional<JsonNode> live = pods.running()
                ? pods.status(object.key().namespace(), object.key().name())
                : Optional.empty();
        JsonNode stored = object.object().get("status");
        if (live.isEmpty() && (pods.running() || stored != null && !stored.isNull())) {
            return object;
        }
        ObjectNode copy = object.object().deepCopy();
        if (live.isPresent()) {
            copy.set("status", live.get().deepCopy());
        } else {
            copy.putObject("status").put("phase", "Pending").put("reason", "NoPodManager")
                    .put("message", "this node has no pod manager (feature:install karedge-pods)");
        }
        return new StoredObject(object.key(), object.resourceVersion(), object.source(), copy);
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
