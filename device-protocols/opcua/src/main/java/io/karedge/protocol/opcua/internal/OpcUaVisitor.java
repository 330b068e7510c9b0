package io.karedge.protocol.opcua.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * A property's {@code visitors.configData}: the node that holds its value. Key names as in KubeEdge's
 * OPC UA mapper.
 *
 * @param nodeId     the node, parsed from {@code nodeID} ({@code ns=2;s=Line1.Temperature}, {@code ns=2;i=1001})
 * @param browseName the node's browse name, informational
 */
record OpcUaVisitor(NodeId nodeId, String browseName) {

    private static final Set<String> KEYS = Set.of("nodeID", "browseName");

    /** @throws IllegalArgumentException with the property and key in the message */
    static OpcUaVisitor parse(String property, JsonNode config) {
        if (config != null && config.isObject()) {
            for (Iterator<String> names = ((ObjectNode) config).fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!KEYS.contains(name)) {
                    throw new IllegalArgumentException("property " + property + ": unknown key '" + name
                            + "' in visitors.configData (known: nodeID, browseName)");
                }
            }
        }
        String text = config == null || config.get("nodeID") == null ? null : config.get("nodeID").asText().trim();
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("property " + property + ": visitors.configData.nodeID is required, "
                    + "e.g. ns=2;s=Line1.Temperature or ns=2;i=1001");
        }
        NodeId nodeId = NodeId.parseSafe(text).orElseThrow(() -> new IllegalArgumentException("property " + property
                + ": nodeID '" + text + "' is not an OPC UA node id (ns=<index>;s=<string>, ns=<index>;i=<number>, "
                + "g=<guid> or b=<base64>, parts separated by ';')"));
        String browseName = config.get("browseName") == null ? null : config.get("browseName").asText();
        return new OpcUaVisitor(nodeId, browseName);
    }

    @Override
    public String toString() {
        return nodeId.toParseableString();
    }
}
