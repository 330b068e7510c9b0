package io.karedge.shell.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.StoredObject;
import java.io.UncheckedIOException;
import java.util.List;

/** Objects as {@code -o json} and {@code -o yaml} print them: one object as is, several as a v1 List. */
final class ObjectDocuments {

    private static final ObjectMapper JSON = KaredgeJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    private ObjectDocuments() {
    }

    /** @return {@code {"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":..},"items":[..]}} */
    static ObjectNode list(List<StoredObject> items, long resourceVersion) {
        ObjectNode list = KaredgeJson.mapper().createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.putObject("metadata").put("resourceVersion", String.valueOf(resourceVersion));
        ArrayNode array = list.putArray("items");
        items.forEach(item -> array.add(item.object()));
        return list;
    }

    static String render(JsonNode document, OutputFormat format) {
        try {
            return switch (format) {
                case JSON -> JSON.writeValueAsString(document) + "\n";
                case YAML -> YAML.writeValueAsString(document);
                default -> throw new IllegalArgumentException("not a document format: " + format);
            };
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
