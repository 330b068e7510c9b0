package io.karedge.protocol.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.BrowseHelper;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/**
 * Walks a server's address space below the Objects folder (hierarchical references, objects and variables of
 * the server's own namespaces, not namespace 0) and proposes a property for every variable: a name from its
 * browse path, its nodeID, the DeviceModel type of its data type and whether it may be written.
 */
final class AddressSpaceBrowser {

    static final int MAX_DEPTH = 6;
    static final int MAX_VARIABLES = 1000;

    private static final Map<NodeId, String> TYPES = Map.ofEntries(
            Map.entry(NodeIds.Boolean, "BOOLEAN"), Map.entry(NodeIds.SByte, "INT"), Map.entry(NodeIds.Byte, "INT"),
            Map.entry(NodeIds.Int16, "INT"), Map.entry(NodeIds.UInt16, "INT"), Map.entry(NodeIds.Int32, "INT"),
            Map.entry(NodeIds.UInt32, "INT"), Map.entry(NodeIds.Int64, "INT"), Map.entry(NodeIds.UInt64, "INT"),
            Map.entry(NodeIds.Float, "FLOAT"), Map.entry(NodeIds.Double, "DOUBLE"), Map.entry(NodeIds.String, "STRING"),
            Map.entry(NodeIds.LocalizedText, "STRING"), Map.entry(NodeIds.ByteString, "BYTES"));

    /** A proposed property. */
    record Candidate(String name, String nodeId, String browseName, String type, boolean writable) {

        /** @return e.g. {@code line1-temperature: nodeID ns=2;s=Line1.Temperature, DOUBLE, ReadWrite} */
        String describe() {
            return name + ": nodeID " + nodeId + ", browseName " + browseName + ", " + type + ", "
                    + (writable ? "ReadWrite" : "ReadOnly");
        }
    }

    private record Found(NodeId nodeId, String path, String browseName) {
    }

    private AddressSpaceBrowser() {
    }

    /** @throws TimeoutException when the deadline passes before the walk ends */
    static List<Candidate> browse(OpcUaClient client, long deadlineNanos) throws Exception {
        List<Found> variables = new ArrayList<>();
        Deque<Object[]> queue = new ArrayDeque<>();
        Set<NodeId> seen = new HashSet<>();
        queue.add(new Object[]{NodeIds.ObjectsFolder, "", 0});
        while (!queue.isEmpty() && variables.size() < MAX_VARIABLES) {
            Object[] next = queue.poll();
            NodeId parent = (NodeId) next[0];
            String path = (String) next[1];
            int depth = (int) next[2];
            BrowseDescription description = new BrowseDescription(parent, BrowseDirection.Forward,
                    NodeIds.HierarchicalReferences, true,
                    uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()),
                    uint(BrowseResultMask.All.getValue()));
            List<ReferenceDescription> references = BrowseHelper.browse(client, description, uint(0))
                    .get(remaining(deadlineNanos), TimeUnit.NANOSECONDS);
            for (ReferenceDescription reference : references) {
                NodeId child = reference.getNodeId().toNodeId(client.getNamespaceTable()).orElse(null);
                if (child == null || child.getNamespaceIndex().intValue() == 0 || !seen.add(child)) {
                    continue;
                }
                String name = reference.getBrowseName() == null || reference.getBrowseName().getName() == null
                        ? child.toParseableString() : reference.getBrowseName().getName();
                String childPath = path.isEmpty() ? name : path + "." + name;
                if (reference.getNodeClass() == NodeClass.Variable) {
                    variables.add(new Found(child, childPath, name));
                }
                if (depth + 1 < MAX_DEPTH) {
                    queue.add(new Object[]{child, childPath, depth + 1});
                }
            }
        }
        return describe(client, variables, deadlineNanos);
    }

    private static List<Candidate> describe(OpcUaClient client, List<Found> variables, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Candidate> candidates = new ArrayList<>();
        for (int start = 0; start < variables.size(); start += 100) {
            List<Found> batch = variables.subList(start, Math.min(variables.size(), start + 100));
            List<ReadValueId> ids = new ArrayList<>();
            for (Found found : batch) {
                ids.add(new ReadValueId(found.nodeId(), AttributeId.DataType.uid(), null, null));
                ids.add(new ReadValueId(found.nodeId(), AttributeId.UserAccessLevel.uid(), null, null));
            }
            DataValue[] values = client.readAsync(0, TimestampsToReturn.Neither, ids)
                    .get(remaining(deadlineNanos), TimeUnit.NANOSECONDS).getResults();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                Found found = batch.get(i);
                Object dataType = values == null ? null : values[2 * i].getValue().getValue();
                Object access = values == null ? null : values[2 * i + 1].getValue().getValue();
                String type = dataType instanceof NodeId id ? TYPES.getOrDefault(id, "STRING") : "STRING";
                boolean writable = access instanceof UByte level
                        && AccessLevel.fromValue(level).contains(AccessLevel.CurrentWrite);
                String name = propertyName(found.path());
                while (!names.add(name)) {
                    name = name + "-" + names.size();
                }
                candidates.add(new Candidate(name, found.nodeId().toParseableString(), found.browseName(), type,
                        writable));
            }
        }
        return candidates;
    }

    /** @return a property name from a browse path: {@code Line1.Temperature} → {@code line1-temperature} */
    static String propertyName(String path) {
        String name = path.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return name.isEmpty() ? "value" : name;
    }

    private static long remaining(long deadlineNanos) throws TimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("the address space walk did not end in time");
        }
        return left;
    }
}
