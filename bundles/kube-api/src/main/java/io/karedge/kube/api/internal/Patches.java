package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The patch formats of the Kubernetes API applied to a JSON object: JSON merge patch (RFC 7386), JSON patch
 * (RFC 6902) and the simple part of strategic merge patch. A patch that cannot be applied is a
 * {@link KubeStatusException} (400 for a malformed patch, 422 for a JSON patch whose path or test fails, as the
 * API server answers).
 */
final class Patches {

    static final String MERGE = "application/merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";
    static final String STRATEGIC = "application/strategic-merge-patch+json";
    static final String APPLY = "application/apply-patch+yaml";

    /**
     * Lists that strategic merge patch merges by a key, by field name (as the Kubernetes types declare them
     * with {@code patchMergeKey}); every other list is replaced whole, as for types without a strategy.
     */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"), Map.entry("volumes", "name"), Map.entry("env", "name"),
            Map.entry("volumeMounts", "mountPath"), Map.entry("imagePullSecrets", "name"),
            Map.entry("hostAliases", "ip"), Map.entry("ownerReferences", "uid"));

    private Patches() {
    }

    static ObjectNode apply(String contentType, ObjectNode target, JsonNode patch) throws KubeStatusException {
        return switch (contentType) {
            case MERGE -> requireObject(merge(target, requireObject(patch)));
            case STRATEGIC -> requireObject(strategic(target, requireObject(patch)));
            case JSON_PATCH -> requireObject(jsonPatch(target, patch));
            default -> throw new IllegalArgumentException(contentType);
        };
    }

    private static ObjectNode requireObject(JsonNode node) throws KubeStatusException {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw KubeStatusException.badRequest(node == null ? "the patch deletes the whole object: use DELETE"
                : "the patch must make a JSON object, not " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** RFC 7386: objects merge, {@code null} removes, anything else replaces. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target instanceof ObjectNode object ? object.deepCopy()
                : KaredgeJson.mapper().createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.path(field.getKey()), field.getValue()));
            }
        }
        return result;
    }

    /**
     * Strategic merge patch as the API server applies it to the kinds served here: maps merge as in a merge
     * patch; {@code $patch: replace} and {@code $patch: delete} on a map; {@code $retainKeys}; lists named in
     * {@link #MERGE_KEYS} merge by their key (an item with {@code $patch: delete} removes the item);
     * {@code $deleteFromPrimitiveList/<field>}; {@code $setElementOrder/<field>} is accepted and the order of
     * the stored list kept; other lists are replaced.
     */
    private static JsonNode strategic(JsonNode target, ObjectNode patch) throws KubeStatusException {
        String directive = patch.path("$patch").asText("");
        ObjectNode clean = patch.deepCopy();
        clean.remove("$patch");
        if (directive.equals("replace")) {
            return withoutDirectives(clean);
        }
        if (directive.equals("delete")) {
            return null;
        }
        if (!directive.isEmpty()) {
            throw KubeStatusException.badRequest("unknown patch type \"$patch: " + directive + "\"");
        }
        ObjectNode result = target instanceof ObjectNode object ? object.deepCopy()
                : KaredgeJson.mapper().createObjectNode();
        JsonNode retain = clean.remove("$retainKeys");
        for (Iterator<Map.Entry<String, JsonNode>> it = clean.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.startsWith("$setElementOrder/")) {
                continue;
            }
            if (name.startsWith("$deleteFromPrimitiveList/")) {
                String list = name.substring("$deleteFromPrimitiveList/".length());
                if (result.get(list) instanceof ArrayNode items && value.isArray()) {
                    List<JsonNode> remove = new ArrayList<>();
                    value.forEach(remove::add);
                    ArrayNode kept = result.putArray(list);
                    items.forEach(item -> {
                        if (!remove.contains(item)) {
                            kept.add(item);
                        }
                    });
                }
                continue;
            }
            if (name.startsWith("$")) {
                throw KubeStatusException.badRequest("unknown strategic merge patch directive \"" + name + "\"");
            }
            if (value.isNull()) {
                result.remove(name);
            } else if (value.isObject()) {
                JsonNode merged = strategic(result.get(name), (ObjectNode) value);
                if (merged == null) {
                    result.remove(name);
                } else {
                    result.set(name, merged);
                }
            } else if (value.isArray() && MERGE_KEYS.containsKey(name) && result.get(name) instanceof ArrayNode items) {
                result.set(name, mergeList(items, (ArrayNode) value, MERGE_KEYS.get(name)));
            } else {
                result.set(name, withoutDirectives(value));
            }
        }
        if (retain != null && retain.isArray()) {
            List<String> keep = new ArrayList<>();
            retain.forEach(key -> keep.add(key.asText()));
            result.retain(keep);
        }
        return result;
    }

    private static ArrayNode mergeList(ArrayNode current, ArrayNode patch, String key) throws KubeStatusException {
        ArrayNode result = current.deepCopy();
        for (JsonNode item : patch) {
            if (!item.isObject() || !item.path(key).isValueNode()) {
                throw KubeStatusException.badRequest("an item of a list merged by \"" + key + "\" has no " + key);
            }
            JsonNode id = item.get(key);
            int at = -1;
            for (int i = 0; i < result.size(); i++) {
                if (id.equals(result.get(i).get(key))) {
                    at = i;
                    break;
                }
            }
            JsonNode merged = strategic(at < 0 ? null : result.get(at), (ObjectNode) item);
            if (merged == null) {
                if (at >= 0) {
                    result.remove(at);
                }
            } else if (at < 0) {
                result.add(merged);
            } else {
                result.set(at, merged);
            }
        }
        return result;
    }

    private static JsonNode withoutDirectives(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode clean = KaredgeJson.mapper().createObjectNode();
            object.fields().forEachRemaining(field -> {
                if (!field.getKey().startsWith("$")) {
                    clean.set(field.getKey(), withoutDirectives(field.getValue()));
                }
            });
            return clean;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode clean = KaredgeJson.mapper().createArrayNode();
            array.forEach(item -> clean.add(withoutDirectives(item)));
            return clean;
        }
        return node.deepCopy();
    }

    /** RFC 6902: add, remove, replace, move, copy, test, in order, all or nothing. */
    static JsonNode jsonPatch(ObjectNode target, JsonNode patch) throws KubeStatusException {
        if (!patch.isArray()) {
            throw KubeStatusException.badRequest("a JSON patch must be an array of operations");
        }
        JsonNode document = target.deepCopy();
        for (JsonNode operation : patch) {
            String op = operation.path("op").asText("");
            String path = text(operation, "path");
            switch (op) {
                case "add" -> document = add(document, path, value(operation));
                case "remove" -> document = remove(document, path);
                case "replace" -> document = replace(document, path, value(operation));
                case "move" -> {
                    String from = text(operation, "from");
                    JsonNode moved = get(document, from);
                    document = add(remove(document, from), path, moved);
                }
                case "copy" -> document = add(document, path, get(document, text(operation, "from")).deepCopy());
                case "test" -> {
                    if (!get(document, path).equals(value(operation))) {
                        throw invalid("test failed at " + path);
                    }
                }
                default -> throw KubeStatusException.badRequest("unknown JSON patch operation \"" + op + "\"");
            }
        }
        return document;
    }

    private static String text(JsonNode operation, String field) throws KubeStatusException {
        JsonNode value = operation.get(field);
        if (value == null || !value.isTextual()) {
            throw KubeStatusException.badRequest("JSON patch operation " + operation.path("op").asText("") + " has no "
                    + field);
        }
        return value.asText();
    }

    private static JsonNode value(JsonNode operation) throws KubeStatusException {
        if (!operation.has("value")) {
            throw KubeStatusException.badRequest("JSON patch operation " + operation.path("op").asText("")
                    + " has no value");
        }
        return operation.get("value").deepCopy();
    }

    private static List<String> tokens(String pointer) throws KubeStatusException {
        if (pointer.isEmpty()) {
            return List.of();
        }
        if (!pointer.startsWith("/")) {
            throw KubeStatusException.badRequest("\"" + Query.abbreviate(pointer) + "\" is not a JSON pointer");
        }
        List<String> tokens = new ArrayList<>();
        for (String token : pointer.substring(1).split("/", -1)) {
            tokens.add(token.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }

    private static JsonNode get(JsonNode document, String pointer) throws KubeStatusException {
        JsonNode node = document;
        for (String token : tokens(pointer)) {
            node = child(node, token, pointer);
        }
        return node;
    }

    private static JsonNode child(JsonNode node, String token, String pointer) throws KubeStatusException {
        JsonNode next = null;
        if (node instanceof ObjectNode object) {
            next = object.get(token);
        } else if (node instanceof ArrayNode array) {
            next = array.get(index(array, token, pointer, false));
        }
        if (next == null) {
            throw invalid("doc is missing path: \"" + Query.abbreviate(pointer) + "\"");
        }
        return next;
    }

    private static int index(ArrayNode array, String token, String pointer, boolean forAdd) throws KubeStatusException {
        if (forAdd && token.equals("-")) {
            return array.size();
        }
        try {
            int index = Integer.parseInt(token);
            if (index >= 0 && index < array.size() + (forAdd ? 1 : 0)) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid("array index out of bounds at \"" + Query.abbreviate(pointer) + "\"");
    }

    private static JsonNode add(JsonNode document, String pointer, JsonNode value) throws KubeStatusException {
        List<String> tokens = tokens(pointer);
        if (tokens.isEmpty()) {
            return value;
        }
        JsonNode parent = document;
        for (String token : tokens.subList(0, tokens.size() - 1)) {
            parent = child(parent, token, pointer);
        }
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof ObjectNode object) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array) {
            array.insert(index(array, last, pointer, true), value);
        } else {
            throw invalid("doc is missing path: \"" + Query.abbreviate(pointer) + "\"");
        }
        return document;
    }

    /** Replaces an existing value in place (an object keeps the order of its fields). */
    private static JsonNode replace(JsonNode document, String pointer, JsonNode value) throws KubeStatusException {
        List<String> tokens = tokens(pointer);
        if (tokens.isEmpty()) {
            return value;
        }
        JsonNode parent = get(document, "/" + String.join("/", tokens.subList(0, tokens.size() - 1).stream()
                .map(t -> t.replace("~", "~0").replace("/", "~1")).toList()));
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof ObjectNode object && object.has(last)) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array) {
            array.set(index(array, last, pointer, false), value);
        } else {
            throw invalid("doc is missing path: \"" + Query.abbreviate(pointer) + "\"");
        }
        return document;
    }

    private static JsonNode remove(JsonNode document, String pointer) throws KubeStatusException {
        List<String> tokens = tokens(pointer);
        if (tokens.isEmpty()) {
            throw invalid("the whole document cannot be removed");
        }
        JsonNode parent = document;
        for (String token : tokens.subList(0, tokens.size() - 1)) {
            parent = child(parent, token, pointer);
        }
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof ObjectNode object && object.has(last)) {
            object.remove(last);
        } else if (parent instanceof ArrayNode array) {
            array.remove(index(array, last, pointer, false));
        } else {
            throw invalid("doc is missing path: \"" + Query.abbreviate(pointer) + "\"");
        }
        return document;
    }

    private static KubeStatusException invalid(String message) {
        return new KubeStatusException(422, "Invalid", "the JSON patch cannot be applied: " + message);
    }
}
