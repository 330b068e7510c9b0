package io.karedge.eventbus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The JSON the bus writes itself: error results. */
final class BusPayloads {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BusPayloads() {
    }

    /** @return {@code {"event_id":..,"timestamp":..,"code":..,"reason":..}} with the request's event id if it has one */
    static byte[] error(byte[] request, int code, String reason, long timestamp) {
        ObjectNode error = MAPPER.createObjectNode();
        error.put("event_id", eventId(request));
        error.put("timestamp", timestamp);
        error.put("code", code);
        error.put("reason", reason);
        return bytes(error);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** @return the request's {@code event_id} if it is a JSON object with a textual one, else {@code ""} */
    static String eventId(byte[] request) {
        if (request == null || request.length == 0 || request.length > 1_048_576) {
            return "";
        }
        try {
            JsonNode node = MAPPER.readTree(request);
            JsonNode id = node == null ? null : node.get("event_id");
            return id != null && id.isTextual() ? id.asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** @return the topic made safe for one log line: control characters escaped, at most 200 characters */
    static String forLog(String topic) {
        StringBuilder out = new StringBuilder(Math.min(topic.length(), 200) + 8);
        for (int i = 0; i < topic.length() && out.length() < 200; i++) {
            char c = topic.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return topic.length() > 200 ? out.append("...").toString() : out.toString();
    }

    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
