package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * Checks a message before it is written. CloudHub drops the whole session on a frame it cannot decode,
 * and silently drops requests it will not route, so nothing questionable leaves the node.
 */
final class OutboundValidator {

    private final int maxBytes;

    OutboundValidator(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @return the encoded frame
     * @throws InvalidMessageException with the reason if the message must not be sent
     */
    byte[] encode(Message message) {
        require(!message.id().isBlank(), "header.msg_id is empty");
        require(message.timestamp() > 0, "header.timestamp is not positive");
        require(!message.source().isBlank(), "route.source is empty");
        require(!message.group().isBlank(), "route.group is empty");
        require(!message.operation().isBlank(), "route.operation is empty");
        require(!message.resource().isBlank(), "route.resource is empty");
        require(!Routes.RESERVED_OPERATIONS.contains(message.operation()),
                "route.operation \"" + message.operation() + "\" is reserved by the transport");
        boolean response = Routes.RESPONSE.equals(message.operation());
        require(!response || !message.parentId().isEmpty(), "a response needs header.parent_msg_id");
        require(response || !Routes.CLOUD_SOURCES.contains(message.source()),
                "route.source \"" + message.source() + "\" is a cloud module name; CloudHub drops such requests");
        require(!message.resource().startsWith("node/"),
                "route.resource starts with node/: CloudHub adds that prefix itself");
        require(!message.resource().contains("//") && !message.resource().startsWith("/"),
                "route.resource \"" + message.resource() + "\" has an empty path segment");
        require(noControlCharacters(message.resource()), "route.resource holds control characters");
        CloudCoreRoutes.problem(message).ifPresent(problem -> {
            throw new InvalidMessageException(problem + "; CloudCore would drop it");
        });
        JsonNode content = message.content();
        require(content != null && !content.isMissingNode(), "content is missing");
        require(content.isValueNode() || content.isContainerNode() || content.isNull(),
                "content is not a JSON value");
        String json;
        try {
            json = MessageCodec.toJson(message);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(e.getMessage());
        }
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        require(bytes.length <= maxBytes, "the frame is " + bytes.length + " bytes, more than " + maxBytes);
        return bytes;
    }

    private static boolean noControlCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new InvalidMessageException(reason);
        }
    }

    /** Why a message was not sent. */
    static final class InvalidMessageException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InvalidMessageException(String reason) {
            super(reason);
        }
    }
}
