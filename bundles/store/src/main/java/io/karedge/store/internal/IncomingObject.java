package io.karedge.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.InvalidObjectException;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An object handed to {@code MetaStore.put}, checked and turned into what the store keeps: its key, its
 * JSON text and the store's own tree parsed from that text. A namespaced kind without a namespace is
 * put in {@code default} (and {@code metadata.namespace} is set in the stored copy); a cluster-scoped
 * kind gets the namespace {@code ""} whatever the object says.
 */
record IncomingObject(ObjectKey key, String json, ObjectNode tree) {

    static final String DEFAULT_NAMESPACE = "default";

    private static final int MAX_SUBDOMAIN_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;
    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS_1123_LABEL = Pattern.compile(LABEL);
    private static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");

    static IncomingObject of(ObjectNode object) {
        Objects.requireNonNull(object, "object");
        JsonNode kindNode = object.get("kind");
        if (kindNode == null || !kindNode.isTextual() || kindNode.asText().isBlank()) {
            throw new InvalidObjectException("the object has no kind");
        }
        String kind = kindNode.asText();
        if (!kind.equals(kind.trim())) {
            throw new InvalidObjectException("kind \"" + kind + "\" has leading or trailing blanks");
        }
        JsonNode metadata = object.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            throw new InvalidObjectException(kind + " has no metadata");
        }
        JsonNode nameNode = metadata.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
            throw new InvalidObjectException(kind + " has no metadata.name");
        }
        String name = nameNode.asText();
        if (!isDns1123Subdomain(name)) {
            throw new InvalidObjectException(kind + " metadata.name \"" + name + "\" is not a DNS-1123 subdomain"
                    + " (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit,"
                    + " at most " + MAX_SUBDOMAIN_LENGTH + " characters)");
        }

        String namespace = "";
        boolean defaultNamespace = false;
        if (Kinds.isNamespaced(kind)) {
            JsonNode namespaceNode = metadata.get("namespace");
            if (namespaceNode == null || namespaceNode.isNull()
                    || (namespaceNode.isTextual() && namespaceNode.asText().isEmpty())) {
                namespace = DEFAULT_NAMESPACE;
                defaultNamespace = true;
            } else if (!namespaceNode.isTextual() || !isDns1123Label(namespaceNode.asText())) {
                throw new InvalidObjectException(kind + " " + name + ": metadata.namespace " + namespaceNode
                        + " is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending"
                        + " with a letter or digit, at most " + MAX_LABEL_LENGTH + " characters)");
            } else {
                namespace = namespaceNode.asText();
            }
        }

        String json;
        ObjectNode tree;
        try {
            // the store's own copy, parsed from the text it stores, so that stored, returned and re-read
            // trees have the same node types
            json = KaredgeJson.mapper().writeValueAsString(object);
            tree = (ObjectNode) KaredgeJson.mapper().readTree(json);
            if (defaultNamespace) {
                ((ObjectNode) tree.get("metadata")).put("namespace", DEFAULT_NAMESPACE);
                json = KaredgeJson.mapper().writeValueAsString(tree);
            }
        } catch (JsonProcessingException e) {
            throw new InvalidObjectException(kind + " " + name + " cannot be written as JSON: " + e.getMessage());
        }
        return new IncomingObject(new ObjectKey(kind, namespace, name), json, tree);
    }

    /**
     * This object with {@code metadata.creationTimestamp} set, as the API server sets it on create: kept from
     * the stored copy when the incoming object has none (a manifest or a partial write), or {@code now} for a
     * new object. An object that brings its own timestamp (the cloud's) keeps it.
     *
     * @param storedTimestamp the stored copy's timestamp, or {@code null}
     */
    IncomingObject withCreationTimestamp(String storedTimestamp, Instant now) {
        JsonNode metadata = tree.get("metadata");
        JsonNode own = metadata.get("creationTimestamp");
        if (own != null && own.isTextual() && !own.asText().isEmpty()) {
            return this;
        }
        ObjectNode stamped = tree.deepCopy();
        ((ObjectNode) stamped.get("metadata")).put("creationTimestamp", storedTimestamp != null ? storedTimestamp
                : now.truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            return new IncomingObject(key, KaredgeJson.mapper().writeValueAsString(stamped), stamped);
        } catch (JsonProcessingException e) {
            throw new InvalidObjectException(key + " cannot be written as JSON: " + e.getMessage());
        }
    }

    static boolean isDns1123Subdomain(String value) {
        return value.length() <= MAX_SUBDOMAIN_LENGTH && DNS_1123_SUBDOMAIN.matcher(value).matches();
    }

    static boolean isDns1123Label(String value) {
        return value.length() <= MAX_LABEL_LENGTH && DNS_1123_LABEL.matcher(value).matches();
    }
}
