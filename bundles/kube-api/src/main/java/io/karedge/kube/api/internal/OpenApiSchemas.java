package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OpenAPI v3 schemas of the kinds the API serves. The core kinds' schemas are read from fabric8's model
 * classes, which follow the Kubernetes API types field by field (the node's own model of them): every
 * property with its type, nested types as components. Devices and DeviceModels are KubeEdge custom
 * resources: their {@code spec} and {@code status} are kept as they come
 * ({@code x-kubernetes-preserve-unknown-fields}), as a CRD without a structural schema would.
 */
final class OpenApiSchemas {

    static final String REF_PREFIX = "#/components/schemas/";
    private static final String PRESERVE = "x-kubernetes-preserve-unknown-fields";

    private static final Map<String, Class<?>> CORE_KINDS = Map.of(
            Kinds.POD, Pod.class,
            Kinds.CONFIG_MAP, ConfigMap.class,
            Kinds.SECRET, Secret.class,
            Kinds.SERVICE, Service.class,
            Kinds.ENDPOINTS, Endpoints.class,
            Kinds.NODE, Node.class);

    private final ObjectMapper mapper = KaredgeJson.mapper();
    private final Map<String, ObjectNode> components = new TreeMap<>();

    /** @return the schemas of every served kind of one group version, with the components they refer to */
    static OpenApiSchemas forGroupVersion(String group, String version) {
        OpenApiSchemas schemas = new OpenApiSchemas();
        for (ApiResource resource : ApiResource.all()) {
            if (resource.group().equals(group) && resource.version().equals(version)) {
                schemas.kind(resource);
            }
        }
        return schemas;
    }

    /** @return every component, top-level kinds included, by name */
    Map<String, ObjectNode> components() {
        return components;
    }

    /** @return the component name of a served kind */
    static String kindComponent(ApiResource resource) {
        Class<?> model = CORE_KINDS.get(resource.kind());
        return model != null ? model.getName()
                : resource.group().isEmpty() ? resource.kind() : resource.group() + "." + resource.version() + "."
                + resource.kind();
    }

    /** @return the schema of a component, with its {@code $ref}s resolved against the same document */
    Optional<ObjectNode> component(String name) {
        return Optional.ofNullable(components.get(name));
    }

    private void kind(ApiResource resource) {
        String name = kindComponent(resource);
        Class<?> model = CORE_KINDS.get(resource.kind());
        ObjectNode schema;
        if (model != null) {
            component(mapper.constructType(model));
            schema = components.get(name);
        } else {
            schema = mapper.createObjectNode();
            schema.put("type", "object");
            schema.put("description", "KubeEdge " + resource.kind() + " (" + resource.apiVersion() + "); spec and "
                    + "status as KubeEdge defines them");
            ObjectNode properties = schema.putObject("properties");
            properties.putObject("apiVersion").put("type", "string");
            properties.putObject("kind").put("type", "string");
            properties.set("metadata", schemaOf(mapper.constructType(ObjectMeta.class)));
            properties.putObject("spec").put("type", "object").put(PRESERVE, true);
            properties.putObject("status").put("type", "object").put(PRESERVE, true);
            components.put(name, schema);
        }
        schema.putArray("x-kubernetes-group-version-kind").addObject().put("group", resource.group())
                .put("version", resource.version()).put("kind", resource.kind());
    }

    private ObjectNode schemaOf(JavaType type) {
        Class<?> raw = type.getRawClass();
        ObjectNode schema = mapper.createObjectNode();
        if (raw == String.class || raw == char.class || raw == Character.class || raw.isEnum()) {
            schema.put("type", "string");
        } else if (raw == int.class || raw == Integer.class || raw == short.class || raw == Short.class
                || raw == byte.class || raw == Byte.class) {
            schema.put("type", "integer").put("format", "int32");
        } else if (raw == long.class || raw == Long.class || raw == BigInteger.class) {
            schema.put("type", "integer").put("format", "int64");
        } else if (raw == boolean.class || raw == Boolean.class) {
            schema.put("type", "boolean");
        } else if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class
                || raw == BigDecimal.class) {
            schema.put("type", "number");
        } else if (raw == IntOrString.class || raw == Quantity.class) {
            schema.put("x-kubernetes-int-or-string", true);
        } else if (raw == byte[].class) {
            schema.put("type", "string").put("format", "byte");
        } else if (type.isCollectionLikeType() || type.isArrayType()) {
            schema.put("type", "array");
            schema.set("items", schemaOf(type.getContentType()));
        } else if (type.isMapLikeType()) {
            schema.put("type", "object");
            schema.set("additionalProperties", schemaOf(type.getContentType()));
        } else if (isModel(raw)) {
            schema.put("$ref", REF_PREFIX + component(type));
        } else {
            // Object, JsonNode, an interface: any JSON value
            schema.put(PRESERVE, true);
        }
        return schema;
    }

    private static boolean isModel(Class<?> raw) {
        return raw.getName().startsWith("io.fabric8.kubernetes.api.model.") && !raw.isInterface()
                && !Modifier.isAbstract(raw.getModifiers()) && !JsonNode.class.isAssignableFrom(raw);
    }

    /** @return the component's name, adding it (and what it refers to) the first time */
    private String component(JavaType type) {
        String name = type.getRawClass().getName();
        if (components.containsKey(name)) {
            return name;
        }
        ObjectNode schema = mapper.createObjectNode();
        components.put(name, schema);
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
        for (BeanPropertyDefinition property : bean.findProperties()) {
            if (property.getName().equals("additionalProperties") || !property.couldDeserialize()) {
                continue;
            }
            properties.set(property.getName(), schemaOf(property.getPrimaryType()));
        }
        return name;
    }
}
