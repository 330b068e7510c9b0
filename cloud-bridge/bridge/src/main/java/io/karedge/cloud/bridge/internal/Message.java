package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Objects;
import java.util.UUID;

/**
 * One CloudHub message: the envelope header, the route and the content, which stays a JSON tree until
 * the route says how to read it.
 *
 * @param id              {@code header.msg_id}
 * @param parentId        {@code header.parent_msg_id}, {@code ""} when absent
 * @param timestamp       {@code header.timestamp}, milliseconds since the epoch
 * @param resourceVersion {@code header.resourceversion}, {@code ""} when absent
 * @param source          {@code route.source}
 * @param group           {@code route.group}
 * @param operation       {@code route.operation}
 * @param resource        {@code route.resource}
 * @param content         {@code content}; {@link NullNode} for {@code null}
 */
record Message(String id, String parentId, long timestamp, String resourceVersion, String source, String group,
               String operation, String resource, JsonNode content) {

    static final String OK = "OK";

    Message {
        id = Objects.requireNonNullElse(id, "");
        parentId = Objects.requireNonNullElse(parentId, "");
        resourceVersion = Objects.requireNonNullElse(resourceVersion, "");
        source = Objects.requireNonNullElse(source, "");
        group = Objects.requireNonNullElse(group, "");
        operation = Objects.requireNonNullElse(operation, "");
        resource = Objects.requireNonNullElse(resource, "");
        content = content == null ? NullNode.getInstance() : content;
    }

    /** @return a new message with a fresh id, stamped now */
    static Message request(String source, String group, String operation, String resource, JsonNode content) {
        return new Message(newId(), "", System.currentTimeMillis(), "", source, group, operation, resource, content);
    }

    /** @return the acknowledgement of this message, as EdgeCore builds it: route echoed, content "OK" */
    Message ack() {
        return new Message(newId(), id, System.currentTimeMillis(), "", source, group, Routes.RESPONSE, resource,
                TextNode.valueOf(OK));
    }

    boolean isResponse() {
        return !parentId.isEmpty();
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    @Override
    public String toString() {
        return "msg " + id + (parentId.isEmpty() ? "" : " (answer to " + parentId + ")") + " " + source + "/" + group
                + " " + operation + " " + resource;
    }
}
