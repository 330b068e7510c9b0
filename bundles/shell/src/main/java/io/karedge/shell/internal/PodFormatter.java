package io.karedge.shell.internal;

import io.karedge.pod.PodInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Text for {@code edge:pods}: the columns of {@code kubectl get pods -o wide}. */
final class PodFormatter {

    private PodFormatter() {
    }

    /**
     * @param pods          the pods to show, in the order given
     * @param allNamespaces whether to add a leading NAMESPACE column
     * @param now           the time AGE is measured against
     * @return the table, or an empty string when there are no pods
     */
    static String pods(List<PodInfo> pods, boolean allNamespaces, Instant now) {
        List<String> headers = new ArrayList<>();
        if (allNamespaces) {
            headers.add("NAMESPACE");
        }
        headers.addAll(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"));
        TextTable table = new TextTable(headers);
        for (PodInfo pod : pods) {
            List<String> cells = new ArrayList<>();
            if (allNamespaces) {
                cells.add(pod.ref().namespace());
            }
            cells.add(pod.ref().name());
            cells.add(pod.ready() + "/" + pod.containers());
            cells.add(orNone(pod.display(), "<unknown>"));
            cells.add(Integer.toString(pod.restarts()));
            cells.add(pod.created() == null ? "<unknown>" : HumanUnits.age(Duration.between(pod.created(), now)));
            cells.add(orNone(pod.podIp(), "<none>"));
            cells.add(orNone(pod.nodeName(), "<none>"));
            table.row(cells);
        }
        return table.isEmpty() ? "" : table.render();
    }

    /** @return kubectl's message for an empty listing */
    static String noPods(String namespace, boolean allNamespaces) {
        return allNamespaces ? "No resources found" : "No resources found in " + namespace + " namespace.";
    }

    /** @return the pods of {@code namespace}, or all of them */
    static List<PodInfo> select(List<PodInfo> pods, String namespace, boolean allNamespaces) {
        return allNamespaces ? pods : pods.stream().filter(p -> p.ref().namespace().equals(namespace)).toList();
    }

    private static String orNone(String value, String none) {
        return value == null || value.isEmpty() ? none : value;
    }
}
