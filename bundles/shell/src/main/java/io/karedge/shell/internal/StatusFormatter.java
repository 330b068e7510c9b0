package io.karedge.shell.internal;

import io.karedge.api.node.BundleHealth;
import io.karedge.api.node.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Renders {@link NodeStatus} for {@code edge:status}. The first line says whether the node is healthy. */
final class StatusFormatter {

    private StatusFormatter() {
    }

    static String format(NodeStatus status, Instant now) {
        return format(status, now, Optional.empty());
    }

    /** @param pods how the pods of the last run came back (with a pod manager), see {@link PodStatuses#restore()} */
    static String format(NodeStatus status, Instant now, Optional<String> pods) {
        StringBuilder out = new StringBuilder();
        long unhealthy = status.bundles().stream().filter(b -> !b.healthy()).count();
        if (status.healthy()) {
            out.append("Node ").append(status.nodeName()).append(" is healthy\n");
        } else {
            out.append("Node ").append(status.nodeName()).append(" is NOT healthy: ").append(unhealthy)
                    .append(" of ").append(status.bundles().size()).append(" Karedge bundles have problems\n");
        }
        out.append('\n');
        field(out, "Node name", status.nodeName());
        field(out, "Mode", status.mode() == null ? "<unknown>" : status.mode().name().toLowerCase(Locale.ROOT));
        field(out, "Data directory", status.dataDirectory() + " (" + HumanUnits.bytes(status.dataBytes()) + ")");
        field(out, "Resource version", String.valueOf(status.resourceVersion()));
        if (status.startedAt() != null) {
            field(out, "Started", status.startedAt().truncatedTo(ChronoUnit.SECONDS)
                    + " (up " + HumanUnits.age(Duration.between(status.startedAt(), now)) + ")");
        }
        pods.ifPresent(line -> field(out, "Pods", line));

        out.append("\nObjects:\n");
        Map<String, Long> counts = new TreeMap<>(status.objectCounts());
        if (counts.isEmpty()) {
            out.append("  none stored\n");
        } else {
            TextTable objects = new TextTable(List.of("KIND", "COUNT"));
            counts.forEach((kind, count) -> objects.row(List.of(kind, String.valueOf(count))));
            indent(out, objects.render());
        }

        out.append("\nBundles:\n");
        if (status.bundles().isEmpty()) {
            out.append("  no Karedge bundles installed\n");
            return out.toString();
        }
        TextTable bundles = new TextTable(List.of("NAME", "VERSION", "STATE", "HEALTH"));
        for (BundleHealth bundle : status.bundles()) {
            bundles.row(List.of(bundle.symbolicName(), bundle.version(),
                    bundle.fragment() ? bundle.state() + " (fragment)" : bundle.state(), health(bundle)));
        }
        indent(out, bundles.render());
        if (status.bundles().stream().anyMatch(b -> !b.unsatisfiedComponents().isEmpty())) {
            out.append("\nUnsatisfied components:\n");
            for (BundleHealth bundle : status.bundles()) {
                for (String component : bundle.unsatisfiedComponents()) {
                    out.append("  ").append(bundle.symbolicName()).append(": ").append(component).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String health(BundleHealth bundle) {
        if (bundle.healthy()) {
            return "ok";
        }
        int unsatisfied = bundle.unsatisfiedComponents().size();
        return unsatisfied == 0 ? "NOT ACTIVE" : "UNSATISFIED (" + unsatisfied + ")";
    }

    private static void field(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-18s%s\n", label + ":", value));
    }

    private static void indent(StringBuilder out, String block) {
        block.lines().forEach(line -> out.append("  ").append(line).append('\n'));
    }
}
