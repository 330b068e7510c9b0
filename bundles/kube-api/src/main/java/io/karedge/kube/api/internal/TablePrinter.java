package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Server-side printing: objects as a {@code meta.k8s.io} {@code Table}, which kubectl asks for with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}. Pods, ConfigMaps, Secrets, Services and Nodes
 * get the columns the Kubernetes API server gives them; other kinds get Name and Age, as custom resources
 * without printer columns do.
 */
final class TablePrinter {

    /** One column: its definition and how to fill it from an object. */
    private record Column(String name, String type, String format, int priority, String description,
                          CellFunction cell) {
    }

    @FunctionalInterface
    private interface CellFunction {
        Object cell(JsonNode object, Instant now);
    }

    private static final Column NAME = new Column("Name", "string", "name", 0,
            "Name must be unique within a namespace.", (object, now) -> object.path("metadata").path("name").asText());
    private static final Column AGE = new Column("Age", "string", "", 0,
            "CreationTimestamp is a timestamp representing the server time when this object was created.",
            (object, now) -> HumanDuration.since(object.path("metadata").path("creationTimestamp").asText(null), now));

    private static final Map<String, List<Column>> COLUMNS = Map.of(
            Kinds.POD, List.of(NAME,
                    new Column("Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting "
                            + "traffic.", (object, now) -> PodSummary.of(object, now).ready()),
                    new Column("Status", "string", "", 0, "The aggregate status of the containers in this pod.",
                            (object, now) -> PodSummary.of(object, now).status()),
                    new Column("Restarts", "string", "", 0, "The number of times the containers in this pod have "
                            + "been restarted and when the last container in this pod has restarted.",
                            (object, now) -> PodSummary.of(object, now).restarts()),
                    AGE,
                    new Column("IP", "string", "", 1, "IP address allocated to the pod. Routable at least within "
                            + "the cluster. Empty if not yet allocated.",
                            (object, now) -> orNone(object.path("status").path("podIP").asText(""))),
                    new Column("Node", "string", "", 1, "NodeName is a request to schedule this pod onto a "
                            + "specific node.", (object, now) -> orNone(object.path("spec").path("nodeName").asText(""))),
                    new Column("Nominated Node", "string", "", 1, "nominatedNodeName is set only when this pod "
                            + "preempts other pods on the node.",
                            (object, now) -> orNone(object.path("status").path("nominatedNodeName").asText(""))),
                    new Column("Readiness Gates", "string", "", 1, "If specified, all readiness gates will be "
                            + "evaluated for pod readiness.", (object, now) -> readinessGates(object))),
            Kinds.CONFIG_MAP, List.of(NAME,
                    new Column("Data", "integer", "", 0, "Data contains the configuration data.",
                            (object, now) -> object.path("data").size() + object.path("binaryData").size()),
                    AGE),
            Kinds.SECRET, List.of(NAME,
                    new Column("Type", "string", "", 0, "The type of the secret.",
                            (object, now) -> object.path("type").asText("Opaque")),
                    new Column("Data", "integer", "", 0, "The number of keys in the data of the secret.",
                            (object, now) -> object.path("data").size() + object.path("stringData").size()),
                    AGE),
            Kinds.SERVICE, List.of(NAME,
                    new Column("Type", "string", "", 0, "The type of the service.",
                            (object, now) -> object.path("spec").path("type").asText("ClusterIP")),
                    new Column("Cluster-IP", "string", "", 0, "The IP address of the service.",
                            (object, now) -> orNone(object.path("spec").path("clusterIP").asText(""))),
                    new Column("External-IP", "string", "", 0, "The external IP addresses of the service.",
                            (object, now) -> externalIps(object)),
                    new Column("Port(s)", "string", "", 0, "The ports that are exposed by this service.",
                            (object, now) -> ports(object)),
                    AGE,
                    new Column("Selector", "string", "", 1, "Route service traffic to pods with label keys and "
                            + "values matching this selector.", (object, now) -> selector(object))),
            Kinds.NODE, List.of(NAME,
                    new Column("Status", "string", "", 0, "The status of the node",
                            (object, now) -> nodeStatus(object)),
                    new Column("Roles", "string", "", 0, "The roles of the node", (object, now) -> roles(object)),
                    AGE,
                    new Column("Version", "string", "", 0, "Kubelet Version reported by the node.",
                            (object, now) -> object.path("status").path("nodeInfo").path("kubeletVersion").asText("")),
                    new Column("Internal-IP", "string", "", 1, "List of internal IPs (comma separated).",
                            (object, now) -> nodeAddresses(object, "InternalIP")),
                    new Column("External-IP", "string", "", 1, "List of external IPs (comma separated).",
                            (object, now) -> nodeAddresses(object, "ExternalIP")),
                    new Column("OS-Image", "string", "", 1, "OS Image reported by the node from /etc/os-release "
                            + "(e.g. Debian GNU/Linux 7 (wheezy)).",
                            (object, now) -> orUnknown(object.path("status").path("nodeInfo").path("osImage").asText(""))),
                    new Column("Kernel-Version", "string", "", 1, "Kernel Version reported by the node from 'uname "
                            + "-r' (e.g. 3.16.0-0.bpo.4-amd64).",
                            (object, now) -> orUnknown(object.path("status").path("nodeInfo").path("kernelVersion")
                                    .asText(""))),
                    new Column("Container-Runtime", "string", "", 1, "Container Runtime Version reported by the node "
                            + "through runtime remote API (e.g. containerd://1.4.2).",
                            (object, now) -> orUnknown(object.path("status").path("nodeInfo")
                                    .path("containerRuntimeVersion").asText("")))));

    private TablePrinter() {
    }

    /**
     * @param includeObject {@code None}, {@code Metadata} (the default) or {@code Object}: what each row carries
     *                      besides its cells
     * @return the Table with one row per object, in order
     */
    static ObjectNode table(String kind, List<ObjectNode> objects, String tableApiVersion, String includeObject,
                            String resourceVersion, String continueToken, Instant now) {
        List<Column> columns = COLUMNS.getOrDefault(kind, List.of(NAME, AGE));
        ObjectNode table = KaredgeJson.mapper().createObjectNode();
        table.put("kind", "Table");
        table.put("apiVersion", tableApiVersion);
        ObjectNode metadata = table.putObject("metadata");
        if (resourceVersion != null) {
            metadata.put("resourceVersion", resourceVersion);
        }
        if (continueToken != null) {
            metadata.put("continue", continueToken);
        }
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column column : columns) {
            ObjectNode definition = definitions.addObject();
            definition.put("name", column.name());
            definition.put("type", column.type());
            definition.put("format", column.format());
            definition.put("description", column.description());
            definition.put("priority", column.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (ObjectNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Column column : columns) {
                cells.addPOJO(column.cell().cell(object, now));
            }
            switch (includeObject) {
                case "None" -> { }
                case "Object" -> row.set("object", object);
                default -> row.set("object", partialMetadata(object, tableApiVersion));
            }
        }
        return table;
    }

    private static ObjectNode partialMetadata(ObjectNode object, String tableApiVersion) {
        ObjectNode partial = KaredgeJson.mapper().createObjectNode();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", tableApiVersion);
        partial.set("metadata", object.path("metadata").deepCopy());
        return partial;
    }

    private static String orNone(String value) {
        return value.isEmpty() ? "<none>" : value;
    }

    private static String orUnknown(String value) {
        return value.isEmpty() ? "<unknown>" : value;
    }

    /** {@code Ready}, {@code NotReady} or {@code Unknown} from the Ready condition, as kubectl shows a node. */
    private static String nodeStatus(JsonNode node) {
        String status = "Unknown";
        for (JsonNode condition : node.path("status").path("conditions")) {
            if (condition.path("type").asText().equals("Ready")) {
                status = condition.path("status").asText().equals("True") ? "Ready" : "NotReady";
            }
        }
        return node.path("spec").path("unschedulable").asBoolean(false) ? status + ",SchedulingDisabled" : status;
    }

    private static String roles(JsonNode node) {
        java.util.TreeSet<String> roles = new java.util.TreeSet<>();
        Iterator<String> labels = node.path("metadata").path("labels").fieldNames();
        while (labels.hasNext()) {
            String label = labels.next();
            if (label.startsWith("node-role.kubernetes.io/") && label.length() > "node-role.kubernetes.io/".length()) {
                roles.add(label.substring("node-role.kubernetes.io/".length()));
            }
        }
        String role = node.path("metadata").path("labels").path("kubernetes.io/role").asText("");
        if (!role.isEmpty()) {
            roles.add(role);
        }
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String nodeAddresses(JsonNode node, String type) {
        List<String> addresses = new ArrayList<>();
        for (JsonNode address : node.path("status").path("addresses")) {
            if (address.path("type").asText().equals(type)) {
                addresses.add(address.path("address").asText());
            }
        }
        return addresses.isEmpty() ? "<none>" : String.join(",", addresses);
    }

    private static String readinessGates(JsonNode pod) {
        JsonNode gates = pod.path("spec").path("readinessGates");
        if (!gates.isArray() || gates.isEmpty()) {
            return "<none>";
        }
        int trueCount = 0;
        for (JsonNode gate : gates) {
            String type = gate.path("conditionType").asText();
            for (JsonNode condition : pod.path("status").path("conditions")) {
                if (condition.path("type").asText().equals(type) && condition.path("status").asText().equals("True")) {
                    trueCount++;
                }
            }
        }
        return trueCount + "/" + gates.size();
    }

    private static String externalIps(JsonNode service) {
        List<String> ips = new ArrayList<>();
        service.path("spec").path("externalIPs").forEach(ip -> ips.add(ip.asText()));
        service.path("status").path("loadBalancer").path("ingress").forEach(ingress ->
                ips.add(ingress.path("ip").asText(ingress.path("hostname").asText())));
        if (!ips.isEmpty()) {
            return String.join(",", ips);
        }
        return service.path("spec").path("type").asText("").equals("LoadBalancer") ? "<pending>" : "<none>";
    }

    private static String ports(JsonNode service) {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : service.path("spec").path("ports")) {
            String text = port.path("port").asText();
            if (port.hasNonNull("nodePort")) {
                text += ":" + port.path("nodePort").asText();
            }
            ports.add(text + "/" + port.path("protocol").asText("TCP"));
        }
        return ports.isEmpty() ? "<none>" : String.join(",", ports);
    }

    private static String selector(JsonNode service) {
        List<String> terms = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = service.path("spec").path("selector").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            terms.add(field.getKey() + "=" + field.getValue().asText());
        }
        return terms.isEmpty() ? "<none>" : String.join(",", terms);
    }
}
