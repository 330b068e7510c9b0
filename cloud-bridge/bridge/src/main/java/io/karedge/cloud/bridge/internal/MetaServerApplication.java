package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * One application of KubeEdge's MetaServer to CloudCore's DynamicController (KubeEdge v1.22
 * {@code pkg/metaserver/application.go}): a list or watch of one core/v1 resource in every namespace. On the wire
 * it is the Go struct without JSON tags, so the field names are Go's ({@code ID}, {@code Key}, {@code Verb},
 * {@code Nodename}, {@code Option}, {@code ReqBody}, {@code Subresource}, {@code RespBody}, {@code Status},
 * {@code Reason}, {@code Error}, {@code Timestamp}) and the {@code []byte} fields are base64 strings. The
 * {@code ID} is the hex SHA-256 of node name, key, verb, option, request body and subresource, as EdgeCore
 * computes it: CloudCore names a watch listener by it, and a watch sync compares those names.
 */
record MetaServerApplication(String id, String key, String verb, String nodeName, String option) {

    static final String LIST = "list";
    static final String WATCH = "watch";

    /** Status values CloudCore answers with. */
    static final String APPROVED = "Approved";
    static final String REJECTED = "Rejected";

    /**
     * @param resource the plural resource name ({@code services}, {@code endpoints}, {@code nodes})
     * @param verb     {@link #LIST} or {@link #WATCH}
     */
    static MetaServerApplication of(String resource, String verb, String nodeName) {
        // metav1.ListOptions as EdgeCore marshals them: every field is omitempty, a watch sets "watch"
        String option = WATCH.equals(verb) ? "{\"watch\":true}" : "{}";
        String key = "/core/v1/" + resource + "/null/null";
        return new MetaServerApplication(identifier(nodeName, key, verb, option), key, verb, nodeName, option);
    }

    static String identifier(String nodeName, String key, String verb, String option) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(nodeName.getBytes(StandardCharsets.UTF_8));
            digest.update(key.getBytes(StandardCharsets.UTF_8));
            digest.update(verb.getBytes(StandardCharsets.UTF_8));
            digest.update(option.getBytes(StandardCharsets.UTF_8));
            // no request body and no subresource: they add no bytes
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** @return the plural resource of the key ({@code services} of {@code /core/v1/services/null/null}) */
    String resource() {
        return key.split("/", -1)[3];
    }

    /** The application as EdgeCore's agent sends it (status {@code InApplying}). */
    ObjectNode toJson() {
        ObjectNode json = MessageCodec.mapper().createObjectNode();
        json.put("ID", id);
        json.put("Key", key);
        json.put("Verb", verb);
        json.put("Nodename", nodeName);
        json.put("Option", Base64.getEncoder().encodeToString(option.getBytes(StandardCharsets.UTF_8)));
        json.set("ReqBody", NullNode.getInstance());
        json.put("Subresource", "");
        json.set("RespBody", NullNode.getInstance());
        json.put("Status", "InApplying");
        json.put("Reason", "");
        json.putObject("Error").putObject("ErrStatus").putObject("metadata");
        json.put("Timestamp", "0001-01-01T00:00:00Z");
        return json;
    }

    /** What CloudCore answered to one application. */
    record Answer(String status, String reason, Optional<ObjectNode> body) {

        boolean approved() {
            return APPROVED.equals(status);
        }

        /**
         * Reads the answer's content: the application with {@code Status}, {@code Reason}, {@code Error} and the
         * base64 {@code RespBody} (for a list, the {@code UnstructuredList}).
         *
         * @throws IllegalArgumentException if the content is no application
         */
        static Answer from(JsonNode content) {
            ObjectNode application = ContentDecoder.object(content)
                    .orElseThrow(() -> new IllegalArgumentException("the answer carries no application"));
            String status = application.path("Status").asText("");
            if (status.isEmpty()) {
                throw new IllegalArgumentException("the answer's application has no Status");
            }
            String reason = application.path("Reason").asText("");
            JsonNode error = application.path("Error").path("ErrStatus");
            if (reason.isEmpty() && error.isObject()) {
                reason = (error.path("reason").asText("") + " " + error.path("message").asText("")).strip();
            }
            Optional<ObjectNode> body = Optional.empty();
            JsonNode respBody = application.get("RespBody");
            if (respBody != null && respBody.isTextual() && !respBody.asText().isEmpty()) {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(respBody.asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("RespBody is not base64: " + e.getMessage());
                }
                try {
                    JsonNode tree = MessageCodec.mapper().readTree(bytes);
                    if (tree != null && tree.isObject()) {
                        body = Optional.of((ObjectNode) tree);
                    } else if (tree != null && !tree.isNull()) {
                        throw new IllegalArgumentException("RespBody is not a JSON object");
                    }
                } catch (IOException e) {
                    throw new IllegalArgumentException("RespBody is not JSON: " + e.getMessage());
                }
            }
            return new Answer(status, reason.isEmpty() ? status.toLowerCase(Locale.ROOT) : reason, body);
        }
    }
}
