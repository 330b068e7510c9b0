package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;

/**
 * Reads and writes the JSON envelope CloudHub speaks on the WebSocket: one document per frame, written
 * with a trailing newline like Go's {@code json.Encoder}. Keys are read as Go reads them (exact name
 * first, then case-insensitively); empty optional header and route fields are left out when writing,
 * {@code content} is always written.
 */
final class MessageCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    static {
        // objects of several MiB (big ConfigMaps) are legal; Jackson's default string limit is 20 MB
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE).maxNestingDepth(1000).build());
    }

    private MessageCodec() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * @throws MalformedMessageException if the bytes are not one JSON object shaped like a message; its
     *                                   {@link MalformedMessageException#messageId()} holds the id if one
     *                                   could be read
     */
    static Message decode(byte[] bytes) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new MalformedMessageException("not JSON: " + firstLine(e), "");
        }
        if (tree == null || !tree.isObject()) {
            throw new MalformedMessageException("not a JSON object", "");
        }
        JsonNode header = field(tree, "header");
        if (header == null || !header.isObject()) {
            throw new MalformedMessageException("no header object", "");
        }
        JsonNode idNode = field(header, "msg_id");
        String id = idNode != null && idNode.isTextual() ? idNode.asText() : "";
        if (id.isEmpty()) {
            throw new MalformedMessageException("header.msg_id is missing or not a string", "");
        }
        String parentId = text(header, "parent_msg_id", id);
        String resourceVersion = text(header, "resourceversion", id);
        JsonNode timestampNode = field(header, "timestamp");
        long timestamp = 0;
        if (timestampNode != null && !timestampNode.isNull()) {
            if (!timestampNode.isIntegralNumber() || !timestampNode.canConvertToLong()) {
                throw new MalformedMessageException("header.timestamp is not an integer", id);
            }
            timestamp = timestampNode.asLong();
        }
        JsonNode route = field(tree, "route");
        if (route == null || !route.isObject()) {
            throw new MalformedMessageException("no route object", id);
        }
        String source = text(route, "source", id);
        String group = text(route, "group", id);
        String operation = text(route, "operation", id);
        String resource = text(route, "resource", id);
        JsonNode content = field(tree, "content");
        return new Message(id, parentId, timestamp, resourceVersion, source, group, operation, resource,
                content == null ? NullNode.getInstance() : content);
    }

    static byte[] encode(Message message) {
        return (toJson(message) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String toJson(Message message) {
        try {
            return MAPPER.writeValueAsString(tree(message));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("content cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectNode tree(Message message) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode header = root.putObject("header");
        header.put("msg_id", message.id());
        if (!message.parentId().isEmpty()) {
            header.put("parent_msg_id", message.parentId());
        }
        header.put("timestamp", message.timestamp());
        if (!message.resourceVersion().isEmpty()) {
            header.put("resourceversion", message.resourceVersion());
        }
        ObjectNode route = root.putObject("route");
        putIfPresent(route, "source", message.source());
        putIfPresent(route, "group", message.group());
        putIfPresent(route, "operation", message.operation());
        putIfPresent(route, "resource", message.resource());
        root.set("content", message.content());
        return root;
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (!value.isEmpty()) {
            node.put(name, value);
        }
    }

    private static String text(JsonNode parent, String name, String id) {
        JsonNode node = field(parent, name);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new MalformedMessageException(name + " is not a string", id);
        }
        return node.asText();
    }

    /** Exact key first, then any key equal to it ignoring case, as Go's decoder matches struct fields. */
    private static JsonNode field(JsonNode parent, String name) {
        JsonNode exact = parent.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> names = parent.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.toLowerCase(Locale.ROOT).equals(name)) {
                return parent.get(candidate);
            }
        }
        return null;
    }

    private static String firstLine(IOException e) {
        String text = String.valueOf(e.getMessage());
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
