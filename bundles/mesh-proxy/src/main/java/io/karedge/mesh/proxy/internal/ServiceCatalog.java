package io.karedge.mesh.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.ObjectKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Services, Endpoints, DestinationRules and Pods the proxy works from, kept unstructured, and the
 * rules that turn them into {@link ServicePlan}s. Not thread-safe: used on the proxy's control thread.
 */
final class ServiceCatalog {

    static final String DESTINATION_RULE = "DestinationRule";
    /** Services with this label are left to another proxy (EdgeMesh's default filter mode). */
    static final String SKIP_LABEL = "service.edgemesh.kubeedge.io/service-proxy-name";

    private final String nodeName;
    private final Map<ObjectKey, JsonNode> services = new TreeMap<>();
    private final Map<ObjectKey, JsonNode> endpoints = new TreeMap<>();
    private final Map<ObjectKey, JsonNode> rules = new TreeMap<>();
    private final Map<ObjectKey, JsonNode> pods = new TreeMap<>();
    private final Map<ObjectKey, JsonNode> nodes = new TreeMap<>();

    ServiceCatalog(String nodeName) {
        this.nodeName = nodeName == null ? "" : nodeName;
    }

    void put(ObjectKey key, ObjectNode object) {
        map(key.kind()).ifPresent(map -> map.put(key, object));
    }

    void remove(ObjectKey key) {
        map(key.kind()).ifPresent(map -> map.remove(key));
    }

    private Optional<Map<ObjectKey, JsonNode>> map(String kind) {
        return Optional.ofNullable(switch (kind) {
            case "Service" -> services;
            case "Endpoints" -> endpoints;
            case DESTINATION_RULE -> rules;
            case "Pod" -> pods;
            case "Node" -> nodes;
            default -> null;
        });
    }

    /** @return a plan for every Service this node proxies, ordered by namespace and name */
    List<ServicePlan> plans() {
        List<ServicePlan> plans = new ArrayList<>();
        for (Map.Entry<ObjectKey, JsonNode> entry : services.entrySet()) {
            plan(entry.getKey(), entry.getValue()).ifPresent(plans::add);
        }
        return plans;
    }

    Optional<ServicePlan> plan(ObjectKey key, JsonNode service) {
        JsonNode spec = service.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        if ("None".equals(spec.path("clusterIP").asText()) || "ExternalName".equals(type)
                || service.path("metadata").path("labels").has(SKIP_LABEL)) {
            return Optional.empty();
        }
        String namespace = key.namespace();
        List<JsonNode> localPods = hostNetworkPods(namespace, spec.path("selector"));
        Set<String> localPodNames = new HashSet<>();
        localPods.forEach(pod -> localPodNames.add(pod.path("metadata").path("name").asText()));
        JsonNode endpointsObject = endpoints.get(ObjectKey.of("Endpoints", namespace, key.name()));
        List<JsonNode> servicePorts = list(spec.path("ports"));
        List<ServicePlan.PortPlan> ports = new ArrayList<>();
        for (JsonNode port : servicePorts) {
            int number = port.path("port").asInt(0);
            if (number <= 0 || number > 65535) {
                continue;
            }
            String name = port.path("name").asText("");
            String protocol = port.path("protocol").asText("TCP").toUpperCase(Locale.ROOT);
            Map<String, Target> targets = new LinkedHashMap<>();
            if (endpointsObject != null) {
                fromEndpoints(endpointsObject, name, servicePorts.size() == 1, localPodNames, targets);
            }
            for (JsonNode pod : localPods) {
                int podPort = podPort(pod, port.path("targetPort"), number);
                Target.of("127.0.0.1", podPort, Target.FROM_HOST_POD).ifPresent(t -> targets.putIfAbsent(t.id(), t));
            }
            ports.add(new ServicePlan.PortPlan(name, protocol, number, List.copyOf(targets.values())));
        }
        if (ports.isEmpty()) {
            return Optional.empty();
        }
        PolicyChoice policy = policy(spec, rules.get(ObjectKey.of(DESTINATION_RULE, namespace, key.name())));
        return Optional.of(new ServicePlan(ServicePlan.id(namespace, key.name()), namespace, key.name(),
                policy.policy(), policy.source(), ports));
    }

    /**
     * What peers may reach through this node's tunnel: for every proxied Service port, the Endpoints
     * addresses whose {@code nodeName} is this node, by {@link TunnelExports#key}, with the address this
     * node dials for them (127.0.0.1 for its host-network pods).
     */
    TunnelExports exports() {
        Map<String, InetSocketAddress> exported = new HashMap<>();
        if (nodeName.isEmpty()) {
            return new TunnelExports(exported);
        }
        for (Map.Entry<ObjectKey, JsonNode> entry : services.entrySet()) {
            ObjectKey key = entry.getKey();
            JsonNode spec = entry.getValue().path("spec");
            if (plan(key, entry.getValue()).isEmpty()) {
                continue;
            }
            JsonNode endpointsObject = endpoints.get(ObjectKey.of("Endpoints", key.namespace(), key.name()));
            if (endpointsObject == null) {
                continue;
            }
            List<JsonNode> localPods = hostNetworkPods(key.namespace(), spec.path("selector"));
            Map<String, JsonNode> localPodsByName = new HashMap<>();
            localPods.forEach(pod -> localPodsByName.put(pod.path("metadata").path("name").asText(), pod));
            List<JsonNode> servicePorts = list(spec.path("ports"));
            for (JsonNode port : servicePorts) {
                int number = port.path("port").asInt(0);
                String protocol = port.path("protocol").asText("TCP").toUpperCase(Locale.ROOT);
                String name = port.path("name").asText("");
                for (JsonNode subset : list(endpointsObject.path("subsets"))) {
                    int endpointPort = subsetPort(subset, name, servicePorts.size() == 1);
                    if (endpointPort == 0) {
                        continue;
                    }
                    for (JsonNode address : list(subset.path("addresses"))) {
                        if (!nodeName.equals(address.path("nodeName").asText(""))) {
                            continue;
                        }
                        String ip = Target.of(address.path("ip").asText(null), endpointPort, Target.FROM_ENDPOINTS)
                                .map(Target::ip).orElse(null);
                        if (ip == null) {
                            continue;
                        }
                        JsonNode ref = address.path("targetRef");
                        boolean hostPod = "Pod".equals(ref.path("kind").asText())
                                && localPodsByName.containsKey(ref.path("name").asText());
                        Optional<Target> dial = hostPod
                                ? Target.of("127.0.0.1", endpointPort, Target.FROM_HOST_POD)
                                : Target.of(ip, endpointPort, Target.FROM_ENDPOINTS);
                        dial.ifPresent(target -> exported.put(TunnelExports.key(protocol, key.namespace(), key.name(),
                                number, ip, endpointPort), target.socketAddress()));
                    }
                }
            }
        }
        return new TunnelExports(exported);
    }

    /** @return the Node objects in the store (this node's and others', as the cloud sent them) */
    List<JsonNode> nodes() {
        return new ArrayList<>(nodes.values());
    }

    private static int subsetPort(JsonNode subset, String portName, boolean singlePort) {
        List<JsonNode> subsetPorts = list(subset.path("ports"));
        for (JsonNode subsetPort : subsetPorts) {
            if (portName.equals(subsetPort.path("name").asText(""))) {
                return subsetPort.path("port").asInt(0);
            }
        }
        if (singlePort && subsetPorts.size() == 1) {
            return subsetPorts.get(0).path("port").asInt(0);
        }
        return 0;
    }

    private static void fromEndpoints(JsonNode endpointsObject, String portName, boolean singlePort,
                                      Set<String> localPodNames, Map<String, Target> targets) {
        for (JsonNode subset : list(endpointsObject.path("subsets"))) {
            List<JsonNode> subsetPorts = list(subset.path("ports"));
            int number = 0;
            for (JsonNode subsetPort : subsetPorts) {
                if (portName.equals(subsetPort.path("name").asText(""))) {
                    number = subsetPort.path("port").asInt(0);
                    break;
                }
            }
            if (number == 0 && singlePort && subsetPorts.size() == 1) {
                number = subsetPorts.get(0).path("port").asInt(0);
            }
            if (number == 0) {
                continue;
            }
            for (JsonNode address : list(subset.path("addresses"))) {
                JsonNode ref = address.path("targetRef");
                if ("Pod".equals(ref.path("kind").asText()) && localPodNames.contains(ref.path("name").asText())) {
                    continue; // the same pod is reached on 127.0.0.1 as a host-network pod of this node
                }
                Target.of(address.path("ip").asText(null), number, Target.FROM_ENDPOINTS,
                                address.path("nodeName").asText(""))
                        .ifPresent(t -> targets.putIfAbsent(t.id(), t));
            }
        }
    }

    private List<JsonNode> hostNetworkPods(String namespace, JsonNode selector) {
        List<JsonNode> matching = new ArrayList<>();
        if (!selector.isObject() || selector.isEmpty()) {
            return matching;
        }
        for (Map.Entry<ObjectKey, JsonNode> entry : pods.entrySet()) {
            JsonNode pod = entry.getValue();
            if (!entry.getKey().namespace().equals(namespace) || !pod.path("spec").path("hostNetwork").asBoolean()) {
                continue;
            }
            String podNode = pod.path("spec").path("nodeName").asText("");
            String phase = pod.path("status").path("phase").asText("");
            if ((!podNode.isEmpty() && !podNode.equals(nodeName)) || "Succeeded".equals(phase)
                    || "Failed".equals(phase) || pod.path("metadata").has("deletionTimestamp")) {
                continue;
            }
            if (labelsMatch(pod.path("metadata").path("labels"), selector)) {
                matching.add(pod);
            }
        }
        return matching;
    }

    private static boolean labelsMatch(JsonNode labels, JsonNode selector) {
        Iterator<Map.Entry<String, JsonNode>> fields = selector.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().asText().equals(labels.path(field.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    /** targetPort as a number, as a container port name, or absent (the Service port) */
    private static int podPort(JsonNode pod, JsonNode targetPort, int servicePort) {
        if (targetPort.isInt() || (targetPort.isTextual() && targetPort.asText().matches("\\d+"))) {
            return targetPort.asInt();
        }
        if (targetPort.isTextual() && !targetPort.asText().isEmpty()) {
            for (JsonNode container : list(pod.path("spec").path("containers"))) {
                for (JsonNode containerPort : list(container.path("ports"))) {
                    if (targetPort.asText().equals(containerPort.path("name").asText())) {
                        return containerPort.path("containerPort").asInt(0);
                    }
                }
            }
            return 0;
        }
        return servicePort;
    }

    record PolicyChoice(Policy policy, String source) {
    }

    static PolicyChoice policy(JsonNode serviceSpec, JsonNode rule) {
        if ("ClientIP".equals(serviceSpec.path("sessionAffinity").asText())) {
            return new PolicyChoice(Policy.CONSISTENT_HASH_SOURCE_IP, "sessionAffinity");
        }
        if (rule == null) {
            return new PolicyChoice(Policy.ROUND_ROBIN, "default");
        }
        JsonNode balancer = rule.path("spec").path("trafficPolicy").path("loadBalancer");
        String simple = balancer.path("simple").asText("");
        if ("ROUND_ROBIN".equals(simple)) {
            return new PolicyChoice(Policy.ROUND_ROBIN, "DestinationRule");
        }
        if ("RANDOM".equals(simple)) {
            return new PolicyChoice(Policy.RANDOM, "DestinationRule");
        }
        if (!simple.isEmpty()) {
            return new PolicyChoice(Policy.ROUND_ROBIN, "default (unsupported: " + simple + ")");
        }
        JsonNode hash = balancer.path("consistentHash");
        if (hash.path("useSourceIp").asBoolean(false)) {
            return new PolicyChoice(Policy.CONSISTENT_HASH_SOURCE_IP, "DestinationRule");
        }
        if (hash.isObject()) {
            String what = hash.has("httpHeaderName") ? "consistentHash.httpHeaderName"
                    : hash.has("httpCookie") ? "consistentHash.httpCookie" : "consistentHash";
            return new PolicyChoice(Policy.ROUND_ROBIN, "default (unsupported: " + what + ")");
        }
        return new PolicyChoice(Policy.ROUND_ROBIN, balancer.isMissingNode() ? "default" : "default (unsupported)");
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(items::add);
        }
        return items;
    }
}
