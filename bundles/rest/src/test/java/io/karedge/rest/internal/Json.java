package io.karedge.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import java.util.ArrayList;
import java.util.List;

/** Test helpers for JSON: objects from single-quoted text, and NDJSON lines. */
final class Json {

    private Json() {
    }

    static ObjectNode object(String singleQuoted) {
        try {
            return (ObjectNode) KaredgeJson.mapper().readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode device(String namespace, String name, String protocol) {
        return object("{'apiVersion':'devices.kubeedge.io/v1beta1','kind':'Device','metadata':{'name':'" + name
                + "','namespace':'" + namespace + "'},'spec':{'protocol':{'protocolName':'" + protocol + "'}}}");
    }

    /** @return every non-blank line parsed as JSON (blank lines are keep-alives) */
    static List<JsonNode> lines(String text) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(KaredgeJson.mapper().readTree(line));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("not a JSON line: " + line, e);
                }
            }
        }
        return lines;
    }
}
