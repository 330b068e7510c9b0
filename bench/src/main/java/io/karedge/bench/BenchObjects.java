package io.karedge.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Kubernetes objects the mesh benches store: a Service and its Endpoints in namespace {@code default}. */
final class BenchObjects {

    private BenchObjects() {
    }

    /** @return port names to numbers in the order given: {@code ports("sink", 8080, "echo", 8081)} */
    static Map<String, Integer> ports(Object... nameThenNumber) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < nameThenNumber.length; i += 2) {
            ports.put((String) nameThenNumber[i], (Integer) nameThenNumber[i + 1]);
        }
        return ports;
    }

    /** @param ports port name to number, in order */
    static ObjectNode service(String name, Map<String, Integer> ports) {
        ObjectNode service = object("Service", name);
        addPorts(service.putObject("spec").putArray("ports"), ports);
        return service;
    }

    /**
     * @param node the address's {@code nodeName}; null: none
     * @param ports port name to number, in order
     */
    static ObjectNode endpoints(String name, String address, String node, Map<String, Integer> ports) {
        ObjectNode endpoints = object("Endpoints", name);
        ObjectNode subset = endpoints.putArray("subsets").addObject();
        ObjectNode entry = subset.putArray("addresses").addObject().put("ip", address);
        if (node != null) {
            entry.put("nodeName", node);
        }
        addPorts(subset.putArray("ports"), ports);
        return endpoints;
    }

    private static void addPorts(ArrayNode array, Map<String, Integer> ports) {
        ports.forEach((portName, port) -> array.addObject().put("name", portName).put("port", port)
                .put("protocol", "TCP"));
    }

    private static ObjectNode object(String kind, String name) {
        ObjectNode object = KaredgeJson.mapper().createObjectNode();
        object.put("apiVersion", "v1");
        object.put("kind", kind);
        object.putObject("metadata").put("namespace", "default").put("name", name);
        return object;
    }
}
