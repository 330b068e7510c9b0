package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * KubeEdge's MsgTwin, the document stored for one property: expected and actual values with their
 * timestamps, {@code optional}, {@code metadata} (with {@code type}) and the two version vectors.
 * Mutable; the engine copies a twin before it changes it, so stored documents are never modified.
 */
final class MsgTwin {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A value and the time it was set (ms). */
    record Part(String value, long timestamp) {
    }

    /** A version vector {@code {cloud, edge}}. */
    record Vector(long cloud, long edge) {

        static final Vector ZERO = new Vector(0, 0);

        Vector bumpEdge() {
            return new Vector(cloud, edge + 1);
        }

        Vector bumpCloud() {
            return new Vector(cloud + 1, edge);
        }

        ObjectNode toJson() {
            ObjectNode node = JSON.objectNode();
            node.put("cloud", cloud);
            node.put("edge", edge);
            return node;
        }

        static Vector fromJson(JsonNode node) {
            return node == null || !node.isObject() ? null
                    : new Vector(node.path("cloud").asLong(0), node.path("edge").asLong(0));
        }
    }

    Part expected;
    Part actual;
    boolean optional = true;
    ObjectNode metadata = JSON.objectNode();
    Vector expectedVersion;
    Vector actualVersion;

    MsgTwin copy() {
        MsgTwin copy = new MsgTwin();
        copy.expected = expected;
        copy.actual = actual;
        copy.optional = optional;
        copy.metadata = metadata.deepCopy();
        copy.expectedVersion = expectedVersion;
        copy.actualVersion = actualVersion;
        return copy;
    }

    String type() {
        return metadata.path("type").asText(TwinRules.TYPE_STRING);
    }

    void type(String type) {
        metadata.put("type", type);
    }

    boolean deleted() {
        return TwinRules.TYPE_DELETED.equals(type());
    }

    String expectedValue() {
        return expected == null || expected.value() == null ? "" : expected.value();
    }

    String actualValue() {
        return actual == null || actual.value() == null ? "" : actual.value();
    }

    /** Logical deletion: values cleared, type {@code deleted}; the caller updates the version vectors. */
    void clearForDelete() {
        expected = null;
        actual = null;
        metadata = JSON.objectNode();
        type(TwinRules.TYPE_DELETED);
    }

    /** @return the stored form, with version vectors */
    ObjectNode toStored() {
        return toJson(true);
    }

    /** @return the form for results, documents and deltas: no version vectors */
    ObjectNode toPublic() {
        return toJson(false);
    }

    ObjectNode toJson(boolean withVersions) {
        ObjectNode node = JSON.objectNode();
        if (expected != null) {
            node.set("expected", part(expected));
        }
        if (actual != null) {
            node.set("actual", part(actual));
        }
        node.put("optional", optional);
        node.set("metadata", metadata.deepCopy());
        if (withVersions) {
            if (expectedVersion != null) {
                node.set("expected_version", expectedVersion.toJson());
            }
            if (actualVersion != null) {
                node.set("actual_version", actualVersion.toJson());
            }
        }
        return node;
    }

    private static ObjectNode part(Part part) {
        ObjectNode node = JSON.objectNode();
        node.put("value", part.value() == null ? "" : part.value());
        node.putObject("metadata").put("timestamp", part.timestamp());
        return node;
    }

    static MsgTwin fromStored(JsonNode node) {
        MsgTwin twin = new MsgTwin();
        twin.expected = partFrom(node.get("expected"));
        twin.actual = partFrom(node.get("actual"));
        twin.optional = node.path("optional").asBoolean(true);
        JsonNode metadata = node.get("metadata");
        twin.metadata = metadata != null && metadata.isObject() ? ((ObjectNode) metadata).deepCopy() : JSON.objectNode();
        twin.expectedVersion = Vector.fromJson(node.get("expected_version"));
        twin.actualVersion = Vector.fromJson(node.get("actual_version"));
        return twin;
    }

    private static Part partFrom(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return new Part(node.path("value").asText(""), node.path("metadata").path("timestamp").asLong(0));
    }
}
