package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads {@code content} the way CloudCore's {@code GetContentData} does: a JSON object as it is, a string
 * holding a JSON document parsed, and, as a last resort, a base64 string (Go's encoding of {@code []byte})
 * decoded and parsed.
 */
final class ContentDecoder {

    private ContentDecoder() {
    }

    static Optional<ObjectNode> object(JsonNode content) {
        if (content == null) {
            return Optional.empty();
        }
        if (content.isObject()) {
            return Optional.of((ObjectNode) content);
        }
        if (!content.isTextual()) {
            return Optional.empty();
        }
        String text = content.asText().strip();
        Optional<ObjectNode> parsed = parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (parsed.isPresent()) {
            return parsed;
        }
        try {
            return parse(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<ObjectNode> parse(byte[] bytes) {
        if (bytes.length == 0 || (bytes[0] != '{')) {
            return Optional.empty();
        }
        try {
            JsonNode tree = MessageCodec.mapper().readTree(bytes);
            return tree != null && tree.isObject() ? Optional.of((ObjectNode) tree) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return whether the content is an error answer: {@code {"ErrStatus":…}}, an ObjectResp with {@code Err}, or {@code {}} */
    static boolean isError(JsonNode content) {
        if (content == null || !content.isObject()) {
            return false;
        }
        if (content.isEmpty() || content.has("ErrStatus")) {
            return true;
        }
        JsonNode err = content.get("Err");
        return err != null && !err.isNull();
    }

    /** @return the {@code reason} of an error answer ({@code NotFound}, {@code AlreadyExists} ...), or {@code ""} */
    static String errorReason(JsonNode content) {
        if (content == null || !content.isObject()) {
            return "";
        }
        JsonNode status = content.has("ErrStatus") ? content.get("ErrStatus") : content.path("Err").path("ErrStatus");
        return status.path("reason").asText("");
    }
}
