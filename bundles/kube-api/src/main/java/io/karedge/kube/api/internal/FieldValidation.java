package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code fieldValidation} of a write, as the Kubernetes API server does it: fields the kind's schema
 * ({@link OpenApiSchemas}) does not have are refused ({@code Strict}: 400 {@code BadRequest}, nothing
 * stored), reported ({@code Warn}, the default: a {@code Warning} header each, as kubectl prints them) or
 * let through ({@code Ignore}). Keys of a strategic merge patch's directives ({@code $patch},
 * {@code $setElementOrder/...}) are not fields; a JSON patch is not checked.
 */
final class FieldValidation {

    enum Directive { IGNORE, WARN, STRICT }

    private static final Map<String, OpenApiSchemas> SCHEMAS = new ConcurrentHashMap<>();

    private FieldValidation() {
    }

    /** @throws KubeStatusException 400 for a value that is not Ignore, Warn or Strict */
    static Directive directive(String value) throws KubeStatusException {
        if (value == null || value.isEmpty()) {
            return Directive.WARN;
        }
        return switch (value) {
            case "Ignore" -> Directive.IGNORE;
            case "Warn" -> Directive.WARN;
            case "Strict" -> Directive.STRICT;
            default -> throw KubeStatusException.badRequest("fieldValidation: Unsupported value: \""
                    + Query.abbreviate(value) + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        };
    }

    /**
     * @return the unknown fields of {@code object}, as {@code unknown field "spec.foo"}, in document order
     * @throws KubeStatusException 400 under {@link Directive#STRICT} when there are any
     */
    static List<String> check(ApiResource resource, JsonNode object, Directive directive) throws KubeStatusException {
        if (directive == Directive.IGNORE || object == null || !object.isObject()) {
            return List.of();
        }
        OpenApiSchemas schemas = SCHEMAS.computeIfAbsent(resource.apiVersion(),
                gv -> OpenApiSchemas.forGroupVersion(resource.group(), resource.version()));
        List<String> unknown = new ArrayList<>();
        schemas.component(OpenApiSchemas.kindComponent(resource))
                .ifPresent(schema -> walk(schemas, schema, object, "", unknown));
        if (!unknown.isEmpty() && directive == Directive.STRICT) {
            throw KubeStatusException.badRequest(resource.kind() + " in version \"" + resource.version()
                    + "\" cannot be handled as a " + resource.kind() + ": strict decoding error: "
                    + String.join(", ", unknown));
        }
        return unknown;
    }

    private static void walk(OpenApiSchemas schemas, JsonNode schema, JsonNode value, String path,
                             List<String> unknown) {
        JsonNode resolved = resolve(schemas, schema);
        if (resolved == null || value == null || value.isNull()
                || resolved.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (value.isArray() && resolved.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                walk(schemas, resolved.get("items"), value.get(i), path + "[" + i + "]", unknown);
            }
            return;
        }
        if (!value.isObject() || !"object".equals(resolved.path("type").asText())) {
            return;
        }
        JsonNode properties = resolved.get("properties");
        JsonNode additional = resolved.get("additionalProperties");
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            String at = path.isEmpty() ? name : path + "." + name;
            if (name.startsWith("$")) {
                continue; // a strategic merge patch's directive
            }
            if (properties != null && properties.has(name)) {
                walk(schemas, properties.get(name), field.getValue(), at, unknown);
            } else if (additional != null) {
                walk(schemas, additional, field.getValue(), at, unknown);
            } else {
                unknown.add("unknown field \"" + at + "\"");
            }
        }
    }

    private static JsonNode resolve(OpenApiSchemas schemas, JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        if (ref == null) {
            return schema;
        }
        String name = ref.asText().substring(OpenApiSchemas.REF_PREFIX.length());
        return schemas.component(name).map(ObjectNode.class::cast).orElse(null);
    }

    static String headerValue(String warning) {
        return "299 - \"" + warning.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
