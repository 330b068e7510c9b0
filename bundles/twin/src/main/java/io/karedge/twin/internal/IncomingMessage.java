package io.karedge.twin.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns the payload of a twin request into checked values. Everything structural is checked here,
 * before the message touches any twin: size, JSON, object, names, value characters and shapes.
 */
final class IncomingMessage {

    /** The Karedge extension key of a msgTwin: the property's store version the update is conditional on. */
    static final String VERSION_KEY = "version";

    /** One entry of {@code twin}, {@code null} in the message meaning "delete". */
    record TwinInput(String name, boolean delete, boolean hasExpected, String expectedValue, boolean hasActual,
                     String actualValue, Boolean optional, ObjectNode metadata, String type, Long version,
                     MsgTwin.Vector expectedVersion, MsgTwin.Vector actualVersion) {
    }

    private IncomingMessage() {
    }

    /** @return the payload as a JSON object; refuses large payloads, malformed JSON and non-objects */
    static ObjectNode object(TwinRequest request, long maxBytes) throws Rejection {
        JsonNode root;
        if (request.json() != null) {
            root = request.json();
        } else {
            byte[] payload = request.payload();
            if (payload.length > maxBytes) {
                throw Rejection.badRequest("payload too large: " + payload.length + " bytes, at most " + maxBytes);
            }
            try {
                root = KaredgeJson.mapper().readTree(payload);
            } catch (JsonProcessingException e) {
                throw Rejection.badRequest("the payload is not valid JSON: " + Logs.clip(e.getOriginalMessage()));
            } catch (IOException e) {
                throw Rejection.badRequest("the payload cannot be read: " + Logs.clip(e.getMessage()));
            }
        }
        if (root == null || !root.isObject()) {
            throw Rejection.badRequest("the payload is not a JSON object");
        }
        return (ObjectNode) root;
    }

    /** @return the {@code event_id} of a message, or {@code ""} */
    static String eventId(JsonNode message) {
        JsonNode id = message == null ? null : message.get("event_id");
        return id != null && id.isValueNode() && !id.isNull() ? id.asText() : "";
    }

    /**
     * The twins of an update or sync message, in message order.
     *
     * @param sync whether the message is a cloud sync: then every twin must be an object with
     *             {@code metadata.type}
     */
    static List<TwinInput> twins(ObjectNode message, boolean sync) throws Rejection {
        JsonNode twin = message.get("twin");
        if (twin == null || !twin.isObject()) {
            throw Rejection.badRequest("the message has no twin object");
        }
        List<TwinInput> inputs = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = twin.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            inputs.add(input(field.getKey(), field.getValue(), sync));
        }
        return inputs;
    }

    private static TwinInput input(String name, JsonNode node, boolean sync) throws Rejection {
        if (!TwinRules.validName(name)) {
            throw Rejection.badRequest("the twin name " + Logs.clip(name) + " is not valid");
        }
        if (node == null || node.isNull()) {
            if (sync) {
                throw Rejection.badRequest("twin " + name + " has no metadata: a cloud sync needs metadata.type");
            }
            return new TwinInput(name, true, false, null, false, null, null, null, null, null, null, null);
        }
        if (!node.isObject()) {
            throw Rejection.badRequest("twin " + name + " is neither an object nor null");
        }
        JsonNode expected = node.get("expected");
        JsonNode actual = node.get("actual");
        boolean hasExpected = expected != null && !expected.isNull();
        boolean hasActual = actual != null && !actual.isNull();
        String expectedValue = hasExpected ? value(name, "expected", expected) : null;
        String actualValue = hasActual ? value(name, "actual", actual) : null;

        Boolean optional = null;
        JsonNode optionalNode = node.get("optional");
        if (optionalNode != null && !optionalNode.isNull()) {
            if (!optionalNode.isBoolean()) {
                throw Rejection.badRequest("optional of twin " + name + " is not a boolean");
            }
            optional = optionalNode.booleanValue();
        }

        ObjectNode metadata = null;
        String type = null;
        JsonNode metadataNode = node.get("metadata");
        if (metadataNode != null && !metadataNode.isNull()) {
            if (!metadataNode.isObject()) {
                throw Rejection.badRequest("metadata of twin " + name + " is not an object");
            }
            metadata = (ObjectNode) metadataNode;
            JsonNode typeNode = metadata.get("type");
            if (typeNode != null && !typeNode.isNull()) {
                if (!typeNode.isTextual()) {
                    throw Rejection.badRequest("metadata.type of twin " + name + " is not a string");
                }
                type = typeNode.textValue();
            }
        }
        if (sync && type == null) {
            throw Rejection.badRequest("twin " + name + " has no metadata.type: a cloud sync needs it");
        }

        Long version = null;
        JsonNode versionNode = node.get(VERSION_KEY);
        if (versionNode != null && !versionNode.isNull()) {
            if (!versionNode.canConvertToLong() || !versionNode.isIntegralNumber() || versionNode.longValue() < 0) {
                throw Rejection.badRequest("version of twin " + name + " is not a non-negative integer");
            }
            version = versionNode.longValue();
        }
        return new TwinInput(name, false, hasExpected, expectedValue, hasActual, actualValue, optional, metadata, type,
                version, vector(name, "expected_version", node.get("expected_version")),
                vector(name, "actual_version", node.get("actual_version")));
    }

    private static String value(String name, String part, JsonNode node) throws Rejection {
        if (!node.isObject()) {
            throw Rejection.badRequest(part + " of twin " + name + " is not an object");
        }
        JsonNode value = node.get("value");
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw Rejection.badRequest(part + ".value of twin " + name + " is not a string");
        }
        String text = value.textValue();
        String problem = TwinRules.checkValue(null, text);
        if (problem != null) {
            throw Rejection.badRequest(problem);
        }
        return text;
    }

    private static MsgTwin.Vector vector(String name, String key, JsonNode node) throws Rejection {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject() || !isCount(node.get("cloud")) || !isCount(node.get("edge"))) {
            throw Rejection.badRequest(key + " of twin " + name + " must be {\"cloud\": N, \"edge\": M}");
        }
        return MsgTwin.Vector.fromJson(node);
    }

    private static boolean isCount(JsonNode node) {
        return node == null || node.isNull() || (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0);
    }
}
