package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the Kubernetes API server does with the three writes CloudCore's EdgeController makes to a Node on an
 * edge node's behalf (KubeEdge v1.22.2, {@code cloud/pkg/edgecontroller/controller/upstream.go}), for the
 * CloudHub double:
 * <ul>
 *   <li>{@code nodepatch} ({@code patchNode}): the message content, as it is, is a strategic-merge patch of the
 *       Node's {@code status} subresource. Kubernetes' status strategy for Nodes resets only {@code spec}
 *       ({@code nodeStatusStrategy} in {@code pkg/registry/core/node/strategy.go}), so metadata changes
 *       (annotations, labels; {@code null} removes a key) are kept along with the status;</li>
 *   <li>{@code update} of {@code node} ({@code updateNode}): the labels and annotations of the message are
 *       copied onto the stored Node, key by key; nothing is ever removed that way;</li>
 *   <li>{@code insert} ({@code registerNode}): creates the Node with the metadata given, plus the annotation
 *       {@code cloudcore} (CloudCore's address); not here, see the double.</li>
 * </ul>
 * Annotation keys are checked as the API server checks them (qualified names); a bad one fails the whole write
 * with {@code Invalid}.
 */
final class NodeApi {

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** Lists of a Node's status that strategic merge merges by a key (patchMergeKey); others are replaced. */
    private static final Map<String, String> MERGE_KEYS = Map.of("conditions", "type", "addresses", "type");

    /** A write the API server refuses: its reason and message as a Status carries them. */
    static final class Refused extends Exception {
        final String reason;
        final int code;

        Refused(String reason, int code, String message) {
            super(message);
            this.reason = reason;
            this.code = code;
        }
    }

    private NodeApi() {
    }

    /** @return the Node after the status-subresource patch, with the next resourceVersion */
    static ObjectNode patchStatus(ObjectNode stored, JsonNode patch) throws Refused {
        if (!patch.isObject()) {
            throw new Refused("BadRequest", 400, "the patch is not a JSON object");
        }
        ObjectNode patched = stored.deepCopy();
        merge(patched, (ObjectNode) patch, "");
        // the status strategy: spec stays what it was; name and uid cannot change
        patched.set("spec", stored.path("spec").deepCopy());
        ((ObjectNode) patched.with("metadata")).set("name", stored.path("metadata").path("name"));
        ((ObjectNode) patched.with("metadata")).set("uid", stored.path("metadata").path("uid"));
        validateMetadata(patched);
        bump(patched, stored);
        return patched;
    }

    /** @return the Node after EdgeController's updateNode: labels and annotations added or overwritten */
    static ObjectNode updateMetadata(ObjectNode stored, JsonNode request) throws Refused {
        ObjectNode updated = stored.deepCopy();
        for (String field : new String[] {"labels", "annotations"}) {
            JsonNode given = request.path("metadata").path(field);
            if (given.isObject()) {
                ObjectNode target = updated.with("metadata").with(field);
                given.fields().forEachRemaining(entry -> target.set(entry.getKey(), entry.getValue()));
            }
        }
        validateMetadata(updated);
        bump(updated, stored);
        return updated;
    }

    private static void bump(ObjectNode node, ObjectNode stored) {
        long version = stored.path("metadata").path("resourceVersion").asLong(0);
        node.with("metadata").put("resourceVersion", Long.toString(version + 1));
    }

    /** Strategic merge of a patch object into a target object (directives are not used by edge nodes). */
    private static void merge(ObjectNode target, ObjectNode patch, String path) throws Refused {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.startsWith("$")) {
                throw new Refused("BadRequest", 400, "unsupported directive " + key + " at " + path);
            }
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject() && target.path(key).isObject()) {
                merge((ObjectNode) target.get(key), (ObjectNode) value, path + "." + key);
            } else if (value.isArray() && target.path(key).isArray() && MERGE_KEYS.containsKey(key)
                    && path.equals(".status")) {
                target.set(key, mergeList((ArrayNode) target.get(key), (ArrayNode) value, MERGE_KEYS.get(key)));
            } else {
                target.set(key, value.deepCopy());
            }
        }
    }

    private static ArrayNode mergeList(ArrayNode target, ArrayNode patch, String mergeKey) {
        ArrayNode result = target.deepCopy();
        for (JsonNode item : patch) {
            boolean replaced = false;
            for (int i = 0; i < result.size(); i++) {
                if (result.get(i).path(mergeKey).equals(item.path(mergeKey))) {
                    ObjectNode merged = (ObjectNode) result.get(i);
                    item.fields().forEachRemaining(entry -> merged.set(entry.getKey(), entry.getValue()));
                    replaced = true;
                }
            }
            if (!replaced) {
                result.add(item.deepCopy());
            }
        }
        return result;
    }

    private static void validateMetadata(ObjectNode node) throws Refused {
        for (String field : new String[] {"labels", "annotations"}) {
            JsonNode map = node.path("metadata").path(field);
            Iterator<Map.Entry<String, JsonNode>> entries = map.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                if (!entry.getValue().isTextual()) {
                    throw new Refused("BadRequest", 400, "metadata." + field + "." + entry.getKey()
                            + ": json: cannot unmarshal " + entry.getValue().getNodeType() + " into Go value of type string");
                }
                String problem = qualifiedNameProblem(entry.getKey());
                if (problem != null) {
                    throw new Refused("Invalid", 422, "Node \"" + node.path("metadata").path("name").asText()
                            + "\" is invalid: metadata." + field + ": Invalid value: \"" + entry.getKey() + "\": "
                            + problem);
                }
            }
        }
    }

    private static String qualifiedNameProblem(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !SUBDOMAIN.matcher(prefix).matches()) {
                return "prefix part must be a lowercase RFC 1123 subdomain";
            }
        }
        return NAME.matcher(name).matches() ? null
                : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with"
                        + " an alphanumeric character";
    }
}
