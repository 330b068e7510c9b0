package io.karedge.protocol.opcua.internal;

import io.karedge.device.driver.ConfigKey;
import io.karedge.device.driver.PropertyRequest;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * A property's {@code visitors.configData}: the node that holds its value. Key names as in KubeEdge's
 * OPC UA mapper.
 *
 * @param nodeId     the node, parsed from {@code nodeID} ({@code ns=2;s=Line1.Temperature}, {@code ns=2;i=1001})
 * @param browseName the node's browse name, informational
 */
record OpcUaVisitor(NodeId nodeId, String browseName) {

    /** The keys of {@code visitors.configData}, as the configuration binding reads them. */
    record Config(@ConfigKey(required = true, hint = "e.g. ns=2;s=Line1.Temperature or ns=2;i=1001") String nodeID,
                  String browseName) {
        Config {
            node(nodeID);
        }
    }

    /** @throws IllegalArgumentException naming the property and the key */
    static OpcUaVisitor of(PropertyRequest request) {
        Config config = request.configAs(Config.class);
        return new OpcUaVisitor(node(config.nodeID()), config.browseName());
    }

    private static NodeId node(String text) {
        return NodeId.parseSafe(text).orElseThrow(() -> new IllegalArgumentException("nodeID must be an OPC UA node "
                + "id (ns=<index>;s=<string>, ns=<index>;i=<number>, g=<guid> or b=<base64>, parts separated by ';'),"
                + " not '" + text + "'"));
    }

    @Override
    public String toString() {
        return nodeId.toParseableString();
    }
}
