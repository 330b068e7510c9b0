package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The columns {@code edge:get} shows for each kind, in kubectl's order: NAMESPACE (all namespaces
 * only), NAME, the kind's own columns, AGE, then the wide columns, then SOURCE and RV for {@code -o wide}.
 */
final class ObjectColumns {

    static final String NONE = "<none>";
    static final String UNKNOWN = "<unknown>";

    /** One column: its header and how to read a cell from an object. */
    record Column(String header, Function<StoredObject, String> value) {
    }

    private record KindColumns(List<Column> normal, List<Column> wide) {
    }

    private static final Map<String, KindColumns> BY_KIND = Map.of(
            Kinds.POD, new KindColumns(
                    List.of(col("READY", ObjectColumns::podReady), col("STATUS", ObjectColumns::podStatus),
                            col("RESTARTS", ObjectColumns::podRestarts)),
                    List.of(col("IP", o -> text(o, "status", "podIP")), col("NODE", o -> text(o, "spec", "nodeName")))),
            Kinds.SERVICE, new KindColumns(
                    List.of(col("TYPE", o -> textOr(o, "ClusterIP", "spec", "type")),
                            col("CLUSTER-IP", o -> text(o, "spec", "clusterIP")),
                            col("EXTERNAL-IP", ObjectColumns::serviceExternalIps),
                            col("PORT(S)", ObjectColumns::servicePorts)),
                    List.of(col("SELECTOR", o -> keyValues(o.object().path("spec").path("selector"))))),
            Kinds.CONFIG_MAP, new KindColumns(
                    List.of(col("DATA", o -> String.valueOf(keyCount(o, "data", "binaryData")))), List.of()),
            Kinds.SECRET, new KindColumns(
                    List.of(col("TYPE", o -> textOr(o, "Opaque", "type")),
                            col("DATA", o -> String.valueOf(keyCount(o, "data", "stringData")))), List.of()),
            Kinds.ENDPOINTS, new KindColumns(List.of(col("ENDPOINTS", ObjectColumns::endpoints)), List.of()),
            Kinds.NODE, new KindColumns(
                    List.of(col("STATUS", ObjectColumns::nodeStatus), col("ROLES", ObjectColumns::nodeRoles)),
                    List.of(col("INTERNAL-IP", ObjectColumns::nodeInternalIp))),
            Kinds.DEVICE, new KindColumns(
                    List.of(col("PROTOCOL", o -> text(o, "spec", "protocol", "protocolName")),
                            col("MODEL", o -> text(o, "spec", "deviceModelRef", "name")),
                            col("NODE", o -> text(o, "spec", "nodeName"))), List.of()),
            Kinds.DEVICE_MODEL, new KindColumns(
                    List.of(col("PROTOCOL", o -> text(o, "spec", "protocol")),
                            col("PROPERTIES", o -> String.valueOf(o.object().path("spec").path("properties").size()))),
                    List.of()));

    /** Columns after AGE that only some kinds have in kubectl ({@code VERSION} for nodes). */
    private static final Map<String, List<Column>> AFTER_AGE = Map.of(
            Kinds.NODE, List.of(col("VERSION", o -> text(o, "status", "nodeInfo", "kubeletVersion"))));

    private ObjectColumns() {
    }

    /**
     * @param kind          canonical kind
     * @param allNamespaces whether to lead with a NAMESPACE column
     * @param wide          whether to add the wide columns, SOURCE and RV
     * @param now           the time AGE is measured against
     */
    static List<Column> forKind(String kind, boolean allNamespaces, boolean wide, Instant now) {
        List<Column> columns = new ArrayList<>();
        if (allNamespaces) {
            columns.add(col("NAMESPACE", o -> o.key().namespace().isEmpty() ? NONE : o.key().namespace()));
        }
        columns.add(col("NAME", o -> o.key().name()));
        KindColumns own = BY_KIND.getOrDefault(kind, new KindColumns(List.of(), List.of()));
        columns.addAll(own.normal());
        columns.add(col("AGE", o -> age(o, now)));
        columns.addAll(AFTER_AGE.getOrDefault(kind, List.of()));
        if (wide) {
            columns.addAll(own.wide());
            columns.add(col("SOURCE", StoredObject::source));
            columns.add(col("RV", o -> String.valueOf(o.resourceVersion())));
        }
        return columns;
    }

    private static Column col(String header, Function<StoredObject, String> value) {
        return new Column(header, value);
    }

    static String age(StoredObject object, Instant now) {
        JsonNode created = object.object().path("metadata").path("creationTimestamp");
        if (!created.isTextual() || created.asText().isBlank()) {
            return UNKNOWN;
        }
        try {
            Instant at = OffsetDateTime.parse(created.asText()).toInstant();
            return HumanUnits.age(Duration.between(at, now));
        } catch (DateTimeParseException e) {
            return UNKNOWN;
        }
    }

    private static String text(StoredObject object, String... path) {
        return textOr(object, NONE, path);
    }

    private static String textOr(StoredObject object, String fallback, String... path) {
        JsonNode node = object.object();
        for (String step : path) {
            node = node.path(step);
        }
        return node.isValueNode() && !node.asText().isEmpty() ? node.asText() : fallback;
    }

    private static int keyCount(StoredObject object, String... fields) {
        TreeSet<String> keys = new TreeSet<>();
        for (String field : fields) {
            object.object().path(field).fieldNames().forEachRemaining(keys::add);
        }
        return keys.size();
    }

    private static String keyValues(JsonNode map) {
        List<String> pairs = new ArrayList<>();
        map.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
        return pairs.isEmpty() ? NONE : String.join(",", pairs);
    }

    private static String podReady(StoredObject pod) {
        int containers = pod.object().path("spec").path("containers").size();
        int ready = 0;
        for (JsonNode status : pod.object().path("status").path("containerStatuses")) {
            if (status.path("ready").asBoolean(false)) {
                ready++;
            }
        }
        return ready + "/" + containers;
    }

    /** The pod's reason, else the first waiting or terminated container's reason, else its phase. */
    private static String podStatus(StoredObject pod) {
        JsonNode status = pod.object().path("status");
        if (status.isMissingNode() || status.isNull()) {
            return UNKNOWN;
        }
        if (pod.object().path("metadata").hasNonNull("deletionTimestamp")) {
            return "Terminating";
        }
        String reason = status.path("reason").asText("");
        if (!reason.isEmpty()) {
            return reason;
        }
        for (JsonNode container : status.path("containerStatuses")) {
            for (String state : List.of("waiting", "terminated")) {
                String why = container.path("state").path(state).path("reason").asText("");
                if (!why.isEmpty()) {
                    return why;
                }
            }
        }
        String phase = status.path("phase").asText("");
        return phase.isEmpty() ? UNKNOWN : phase;
    }

    private static String podRestarts(StoredObject pod) {
        long restarts = 0;
        for (JsonNode status : pod.object().path("status").path("containerStatuses")) {
            restarts += status.path("restartCount").asLong(0);
        }
        return String.valueOf(restarts);
    }

    private static String serviceExternalIps(StoredObject service) {
        List<String> ips = new ArrayList<>();
        for (JsonNode ingress : service.object().path("status").path("loadBalancer").path("ingress")) {
            String ip = ingress.path("ip").asText(ingress.path("hostname").asText(""));
            if (!ip.isEmpty()) {
                ips.add(ip);
            }
        }
        service.object().path("spec").path("externalIPs").forEach(ip -> ips.add(ip.asText()));
        if (ips.isEmpty()) {
            return "LoadBalancer".equals(service.object().path("spec").path("type").asText()) ? "<pending>" : NONE;
        }
        return String.join(",", ips);
    }

    private static String servicePorts(StoredObject service) {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : service.object().path("spec").path("ports")) {
            String nodePort = port.hasNonNull("nodePort") ? ":" + port.path("nodePort").asText() : "";
            ports.add(port.path("port").asText() + nodePort + "/" + port.path("protocol").asText("TCP"));
        }
        return ports.isEmpty() ? NONE : String.join(",", ports);
    }

    /** {@code ip:port} pairs, the first three, then {@code + N more...} like kubectl. */
    private static String endpoints(StoredObject endpoints) {
        List<String> all = new ArrayList<>();
        for (JsonNode subset : endpoints.object().path("subsets")) {
            List<String> ports = new ArrayList<>();
            subset.path("ports").forEach(p -> ports.add(p.path("port").asText()));
            for (JsonNode address : subset.path("addresses")) {
                String ip = address.path("ip").asText();
                if (ports.isEmpty()) {
                    all.add(ip);
                } else {
                    ports.forEach(port -> all.add(ip + ":" + port));
                }
            }
        }
        if (all.isEmpty()) {
            return NONE;
        }
        if (all.size() <= 3) {
            return String.join(",", all);
        }
        return String.join(",", all.subList(0, 3)) + " + " + (all.size() - 3) + " more...";
    }

    private static String nodeStatus(StoredObject node) {
        for (JsonNode condition : node.object().path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asText())) {
                return switch (condition.path("status").asText()) {
                    case "True" -> "Ready";
                    case "False" -> "NotReady";
                    default -> "Unknown";
                };
            }
        }
        return "Unknown";
    }

    private static String nodeRoles(StoredObject node) {
        TreeSet<String> roles = new TreeSet<>();
        Iterator<String> labels = node.object().path("metadata").path("labels").fieldNames();
        String prefix = "node-role.kubernetes.io/";
        while (labels.hasNext()) {
            String label = labels.next();
            if (label.startsWith(prefix) && label.length() > prefix.length()) {
                roles.add(label.substring(prefix.length()));
            }
        }
        return roles.isEmpty() ? NONE : String.join(",", roles);
    }

    private static String nodeInternalIp(StoredObject node) {
        for (JsonNode address : node.object().path("status").path("addresses")) {
            if ("InternalIP".equals(address.path("type").asText())) {
                return address.path("address").asText();
            }
        }
        return NONE;
    }
}
