package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.device.DesiredValueRules;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.InvalidObjectException;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.node.NodeMode;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes through the edge-local API: create, replace, patch and delete of the node's own objects in the
 * MetaStore, with the API server's checks and answers. Objects written here carry the source
 * {@value #SOURCE}; objects of other sources belong to their writer (the cloud bridge, a manifest file) and
 * are refused. A write either is stored (durable, seen by every watch) or answered with an error Status.
 *
 * <p>The API's own writes are serialized, so a resourceVersion precondition holds between the check and the
 * store's write against other writes through this API.
 */
final class ObjectWriter {

    /** The source of objects written through this API. */
    static final String SOURCE = "local";

    /** The kinds that can be written: the namespaced kinds a standalone node takes from manifests. */
    static final Set<String> WRITABLE = Set.of(Kinds.POD, Kinds.CONFIG_MAP, Kinds.SECRET, Kinds.SERVICE,
            Kinds.DEVICE, Kinds.DEVICE_MODEL);

    /** Kinds whose status is their writer's (a status subresource in Kubernetes): writes keep the stored one. */
    private static final Set<String> STATUS_KEPT = Set.of(Kinds.POD, Kinds.SERVICE, Kinds.DEVICE);

    private static final Logger LOG = LoggerFactory.getLogger(ObjectWriter.class);
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private final MetaStore store;
    private final Supplier<Optional<NodeMode>> mode;
    private final SecureRandom random = new SecureRandom();
    private final Object writes = new Object();

    ObjectWriter(MetaStore store, Supplier<Optional<NodeMode>> mode) {
        this.store = store;
        this.mode = mode;
    }

    static boolean writable(ApiResource resource) {
        return resource.namespaced() && WRITABLE.contains(resource.kind());
    }

    /** POST to the collection: a new object, 409 {@code AlreadyExists} if the name is taken. */
    StoredObject create(ApiResource resource, String namespace, JsonNode body, boolean dryRun)
            throws KubeStatusException {
        ObjectNode object = checkedBody(resource, namespace, body);
        ObjectNode metadata = (ObjectNode) object.get("metadata");
        JsonNode given = metadata.get("name");
        if (given != null && !given.isNull() && !given.isTextual()) {
            throw invalid(resource, given.toString(), "metadata.name: must be a string");
        }
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            String prefix = metadata.path("generateName").asText("");
            if (prefix.isEmpty()) {
                throw invalid(resource, "", "metadata.name: Required value: name or generateName is required");
            }
            name = prefix + randomSuffix();
            metadata.put("name", name);
        }
        if (!metadata.path("resourceVersion").asText("").isEmpty()) {
            throw KubeStatusException.badRequest("resourceVersion should not be set on objects to be created");
        }
        requireCreateAllowed(resource, name);
        synchronized (writes) {
            ObjectKey key = ObjectKey.of(resource.kind(), namespace, name);
            if (store.get(key).isPresent()) {
                throw alreadyExists(resource, name);
            }
            metadata.put("uid", UUID.randomUUID().toString());
            metadata.remove("creationTimestamp");
            if (object.has("spec")) {
                metadata.put("generation", 1);
            }
            return put(resource, key, object, dryRun, 0);
        }
    }

    /** PUT to an object: replaces the stored object, under the precondition of the body's resourceVersion. */
    StoredObject replace(ApiResource resource, String namespace, String name, JsonNode body, boolean dryRun)
            throws KubeStatusException {
        ObjectNode object = checkedBody(resource, namespace, body);
        synchronized (writes) {
            return update(resource, namespace, name, object, dryRun);
        }
    }

    /** PATCH of an object in one of the formats of {@link Patches}. */
    StoredObject patch(ApiResource resource, String namespace, String name, String contentType, JsonNode patch,
                       boolean dryRun) throws KubeStatusException {
        synchronized (writes) {
            StoredObject current = existing(resource, namespace, name);
            ObjectNode patched = Patches.apply(contentType, Objects.served(current, resource), patch);
            ObjectNode object = checkedBody(resource, namespace, patched);
            return update(resource, namespace, name, object, dryRun);
        }
    }

    /** DELETE of an object, under the preconditions of its {@code DeleteOptions}; the last state is returned. */
    StoredObject delete(ApiResource resource, String namespace, String name, JsonNode options, boolean dryRun)
            throws KubeStatusException {
        synchronized (writes) {
            StoredObject current = existing(resource, namespace, name);
            requireOwn(resource, current);
            JsonNode preconditions = options == null ? null : options.get("preconditions");
            if (preconditions != null && preconditions.isObject()) {
                String version = preconditions.path("resourceVersion").asText("");
                if (!version.isEmpty() && !version.equals(Long.toString(current.resourceVersion()))) {
                    throw conflict(resource, name, "Precondition failed: ResourceVersion in precondition: " + version
                            + ", ResourceVersion in object meta: " + current.resourceVersion());
                }
                String uid = preconditions.path("uid").asText("");
                if (!uid.isEmpty() && !uid.equals(current.uid())) {
                    throw conflict(resource, name, "Precondition failed: UID in precondition: " + uid
                            + ", UID in object meta: " + current.uid());
                }
            }
            if (dryRun) {
                return current;
            }
            try {
                return store.delete(current.key()).orElseThrow(() -> KubeStatusException.notFound(resource.plural(),
                        resource.group(), name));
            } catch (StoreException e) {
                throw storeFailed(resource, name, e);
            }
        }
    }

    private StoredObject update(ApiResource resource, String namespace, String name, ObjectNode object,
                                boolean dryRun) throws KubeStatusException {
        ObjectNode metadata = (ObjectNode) object.get("metadata");
        if (!name.equals(metadata.path("name").asText(""))) {
            throw KubeStatusException.badRequest("the name of the object (" + Query.abbreviate(metadata.path("name")
                    .asText("")) + ") does not match the name on the URL (" + name + ")");
        }
        StoredObject current = existing(resource, namespace, name);
        requireOwn(resource, current);
        String version = metadata.path("resourceVersion").asText("");
        if (!version.isEmpty() && !version.equals(Long.toString(current.resourceVersion()))) {
            throw conflict(resource, name, "the object has been modified; please apply your changes to the latest "
                    + "version and try again");
        }
        ObjectNode stored = current.object();
        JsonNode storedMetadata = stored.path("metadata");
        metadata.put("uid", current.uid().isEmpty() ? UUID.randomUUID().toString() : current.uid());
        if (storedMetadata.has("creationTimestamp")) {
            metadata.set("creationTimestamp", storedMetadata.get("creationTimestamp").deepCopy());
        } else {
            metadata.remove("creationTimestamp");
        }
        if (STATUS_KEPT.contains(resource.kind())) {
            if (stored.has("status")) {
                object.set("status", stored.get("status").deepCopy());
            } else {
                object.remove("status");
            }
        }
        if (object.has("spec")) {
            long generation = storedMetadata.path("generation").asLong(1);
            metadata.put("generation", object.get("spec").equals(stored.get("spec")) ? generation : generation + 1);
        }
        return put(resource, current.key(), object, dryRun, current.resourceVersion());
    }

    private StoredObject put(ApiResource resource, ObjectKey key, ObjectNode object, boolean dryRun,
                             long currentVersion) throws KubeStatusException {
        if (Kinds.DEVICE.equals(resource.kind())) {
            checkDesiredValues(resource, key, object);
        }
        ObjectNode metadata = (ObjectNode) object.get("metadata");
        metadata.remove("resourceVersion");
        metadata.remove("selfLink");
        metadata.remove("deletionTimestamp");
        metadata.remove("deletionGracePeriodSeconds");
        if (dryRun) {
            return new StoredObject(key, currentVersion, SOURCE, object);
        }
        try {
            return store.put(object, SOURCE);
        } catch (InvalidObjectException e) {
            throw invalid(resource, key.name(), e.getMessage());
        } catch (StoreException e) {
            throw storeFailed(resource, key.name(), e);
        }
    }

    private StoredObject existing(ApiResource resource, String namespace, String name) throws KubeStatusException {
        return store.get(ObjectKey.of(resource.kind(), namespace, name))
                .orElseThrow(() -> KubeStatusException.notFound(resource.plural(), resource.group(), name));
    }

    /** @return a copy of the body checked against the path: a JSON object of the resource's kind and namespace */
    private static ObjectNode checkedBody(ApiResource resource, String namespace, JsonNode body)
            throws KubeStatusException {
        if (!(body instanceof ObjectNode given)) {
            throw KubeStatusException.badRequest("the body must be a JSON object (a " + resource.kind() + ")");
        }
        ObjectNode object = given.deepCopy();
        JsonNode kind = object.get("kind");
        if (kind != null && !kind.isNull() && !kind.asText("").isEmpty() && !resource.kind().equals(kind.asText())) {
            throw KubeStatusException.badRequest("the kind of the object (" + Query.abbreviate(kind.asText())
                    + ") does not match the kind of the URL (" + resource.kind() + ")");
        }
        JsonNode apiVersion = object.get("apiVersion");
        if (apiVersion != null && !apiVersion.isNull() && !apiVersion.asText("").isEmpty()
                && !resource.apiVersion().equals(apiVersion.asText())) {
            throw KubeStatusException.badRequest("the API version of the object (" + Query.abbreviate(
                    apiVersion.asText()) + ") does not match the API version of the URL (" + resource.apiVersion()
                    + ")");
        }
        object.put("kind", resource.kind());
        object.put("apiVersion", resource.apiVersion());
        JsonNode metadataNode = object.get("metadata");
        if (metadataNode != null && !metadataNode.isNull() && !metadataNode.isObject()) {
            throw invalid(resource, "", "metadata: must be an object");
        }
        ObjectNode metadata = metadataNode instanceof ObjectNode m ? m : object.putObject("metadata");
        JsonNode ns = metadata.get("namespace");
        if (ns != null && !ns.isNull() && !ns.asText("").isEmpty() && !namespace.equals(ns.asText())) {
            throw KubeStatusException.badRequest("the namespace of the provided object does not match the namespace "
                    + "sent on the request");
        }
        metadata.put("namespace", namespace);
        String name = metadata.path("name").asText("");
        checkStringMap(resource, name, metadata, "metadata.labels");
        checkStringMap(resource, name, metadata, "metadata.annotations");
        checkLabels(resource, name, metadata);
        if (resource.kind().equals(Kinds.DEVICE) || resource.kind().equals(Kinds.DEVICE_MODEL)) {
            checkDeviceProperties(resource, name, object);
        }
        if (resource.kind().equals(Kinds.CONFIG_MAP) || resource.kind().equals(Kinds.SECRET)) {
            checkStringMap(resource, name, object, "data");
            checkStringMap(resource, name, object, "stringData");
            checkStringMap(resource, name, object, "binaryData");
        }
        if (resource.kind().equals(Kinds.SECRET)) {
            checkSecretData(resource, name, object);
        }
        return object;
    }

    /** Secret data must be base64; {@code stringData} is written into {@code data}, as the API server does. */
    private static void checkSecretData(ApiResource resource, String name, ObjectNode secret)
            throws KubeStatusException {
        if (secret.get("data") instanceof ObjectNode data) {
            for (var it = data.fields(); it.hasNext(); ) {
                var entry = it.next();
                try {
                    java.util.Base64.getDecoder().decode(entry.getValue().asText());
                } catch (IllegalArgumentException e) {
                    throw invalid(resource, name, "data[" + Query.abbreviate(entry.getKey())
                            + "]: Invalid value: not base64");
                }
            }
        }
        if (secret.remove("stringData") instanceof ObjectNode plain && !plain.isEmpty()) {
            ObjectNode data = secret.get("data") instanceof ObjectNode existing ? existing : secret.putObject("data");
            plain.fields().forEachRemaining(entry -> data.put(entry.getKey(), java.util.Base64.getEncoder()
                    .encodeToString(entry.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
    }

    /** Label keys and values, and annotation keys, as the API server checks them. */
    private static void checkLabels(ApiResource resource, String name, ObjectNode metadata)
            throws KubeStatusException {
        if (metadata.get("labels") instanceof ObjectNode labels) {
            for (var it = labels.fields(); it.hasNext(); ) {
                var entry = it.next();
                if (!LabelSelector.validKey(entry.getKey())) {
                    throw invalid(resource, name, "metadata.labels: Invalid value: \"" + Query.abbreviate(entry.getKey())
                            + "\": a label key must be a name of at most 63 alphanumerics, '-', '_' or '.', starting and "
                            + "ending with an alphanumeric, with an optional DNS subdomain prefix and '/'");
                }
                if (!LabelSelector.validValue(entry.getValue().asText())) {
                    throw invalid(resource, name, "metadata.labels: Invalid value: \""
                            + Query.abbreviate(entry.getValue().asText()) + "\": a label value must be empty or at most "
                            + "63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
                }
            }
        }
        if (metadata.get("annotations") instanceof ObjectNode annotations) {
            for (var it = annotations.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!LabelSelector.validKey(key)) {
                    throw invalid(resource, name, "metadata.annotations: Invalid value: \"" + Query.abbreviate(key)
                            + "\": an annotation key must be a qualified name, as a label key");
                }
            }
        }
    }

    /**
     * The shape the device manager and the twin engine read: {@code spec} an object and
     * {@code spec.properties} a list of objects, each with a string {@code name}. What is not read as such
     * is refused here (422) rather than stored and then skipped as unreadable.
     */
    private static void checkDeviceProperties(ApiResource resource, String name, ObjectNode object)
            throws KubeStatusException {
        JsonNode spec = object.get("spec");
        if (spec == null || spec.isNull()) {
            return;
        }
        if (!spec.isObject()) {
            throw invalid(resource, name, "spec: must be an object");
        }
        JsonNode properties = spec.get("properties");
        if (properties == null || properties.isNull()) {
            return;
        }
        if (!properties.isArray()) {
            throw invalid(resource, name, "spec.properties: must be a list of objects, not "
                    + properties.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        for (int i = 0; i < properties.size(); i++) {
            JsonNode property = properties.get(i);
            if (!property.isObject() || !property.path("name").isTextual() || property.path("name").asText().isEmpty()) {
                throw invalid(resource, name, "spec.properties[" + i + "]: must be an object with a non-empty string "
                        + "name");
            }
        }
    }

    private static void checkStringMap(ApiResource resource, String name, ObjectNode parent, String path)
            throws KubeStatusException {
        JsonNode map = parent.get(path.substring(path.lastIndexOf('.') + 1));
        if (map == null || map.isNull()) {
            return;
        }
        if (!map.isObject()) {
            throw invalid(resource, name, path + ": must be an object of strings");
        }
        for (var it = map.fields(); it.hasNext(); ) {
            var entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw invalid(resource, name, path + "[" + Query.abbreviate(entry.getKey()) + "]: must be a string, not "
                        + entry.getValue().getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    /** Creates are the node's own only while no cloud is configured; EdgeCore sends them to CloudCore. */
    private void requireCreateAllowed(ApiResource resource, String name) throws KubeStatusException {
        Optional<NodeMode> now = mode.get();
        if (now.isEmpty()) {
            throw unavailable(resource, name, "the node's mode (standalone or cloud) is not known yet (no EdgeNode "
                    + "service); try again when the node is up");
        }
        if (now.get() == NodeMode.CLOUD) {
            throw unavailable(resource, name, "this node is joined to a cloud, where EdgeCore's MetaServer sends "
                    + "creates to CloudCore's dynamic controller; Karedge has no such forwarding yet: create it in "
                    + "the cluster");
        }
    }

    private static void requireOwn(ApiResource resource, StoredObject current) throws KubeStatusException {
        String source = current.source();
        String name = current.key().name();
        if (source.equals(SOURCE)) {
            return;
        }
        if (source.equals("cloud")) {
            throw unavailable(resource, name, "it came from the cloud, and EdgeCore's MetaServer sends writes of "
                    + "cloud objects to CloudCore's dynamic controller; Karedge has no such forwarding yet: change "
                    + "it in the cluster");
        }
        String owner = source.startsWith("manifest:") ? "the manifest file " + source.substring("manifest:".length())
                + "; edit that file" : "source '" + source + "' on this node";
        ObjectNode details = details(resource, name);
        throw new KubeStatusException(403, "Forbidden", resource.qualifiedName() + " \"" + name + "\" is forbidden: "
                + "it is written by " + owner, details);
    }

    private String randomSuffix() {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return suffix.toString();
    }

    static ObjectNode details(ApiResource resource, String name) {
        ObjectNode details = KaredgeJson.mapper().createObjectNode();
        if (name != null && !name.isEmpty()) {
            details.put("name", name);
        }
        if (!resource.group().isEmpty()) {
            details.put("group", resource.group());
        }
        details.put("kind", resource.plural());
        return details;
    }

    private static KubeStatusException alreadyExists(ApiResource resource, String name) {
        return new KubeStatusException(409, "AlreadyExists", resource.qualifiedName() + " \"" + name
                + "\" already exists", details(resource, name));
    }

    private static KubeStatusException conflict(ApiResource resource, String name, String why) {
        return new KubeStatusException(409, "Conflict", "Operation cannot be fulfilled on " + resource.qualifiedName()
                + " \"" + name + "\": " + why, details(resource, name));
    }

    /**
     * A Device's desired values against its DeviceModel ({@link DesiredValueRules}): a value that is new or
     * changed and that the model forbids is refused with 422; values that did not change are not checked
     * again (a later model change does not block unrelated edits).
     */
    private void checkDesiredValues(ApiResource resource, ObjectKey key, ObjectNode object) throws KubeStatusException {
        JsonNode properties = object.path("spec").path("properties");
        String modelName = object.path("spec").path("deviceModelRef").path("name").asText("");
        if (!properties.isArray() || modelName.isEmpty()) {
            return;
        }
        DeviceModel model;
        Optional<StoredObject> stored;
        try {
            Optional<StoredObject> storedModel = store.get(ObjectKey.of(Kinds.DEVICE_MODEL, key.namespace(), modelName));
            if (storedModel.isEmpty()) {
                return;
            }
            model = KaredgeJson.mapper().treeToValue(storedModel.get().object(), DeviceModel.class);
            stored = store.get(key);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            LOG.debug("Model {} of device {} not readable: {}", modelName, key, e.toString());
            return;
        }
        JsonNode before = stored.map(s -> s.object().path("spec").path("properties")).orElse(null);
        for (int i = 0; i < properties.size(); i++) {
            JsonNode property = properties.get(i);
            String name = property.path("name").asText("");
            JsonNode value = property.path("desired").path("value");
            if (!value.isTextual() || value.asText().isEmpty() || value.asText().equals(desiredOf(before, name))) {
                continue;
            }
            Optional<String> problem = DesiredValueRules.problem(model, name, value.asText());
            if (problem.isPresent()) {
                LOG.info("Device {} refused: spec.properties[{}].desired.value: {}", key, i, problem.get());
                throw invalid(resource, key.name(), "spec.properties[" + i + "].desired.value: Invalid value: \""
                        + Query.abbreviate(value.asText()) + "\": " + problem.get());
            }
        }
    }

    private static String desiredOf(JsonNode properties, String name) {
        if (properties == null || !properties.isArray()) {
            return null;
        }
        for (JsonNode property : properties) {
            if (name.equals(property.path("name").asText(""))) {
                JsonNode value = property.path("desired").path("value");
                return value.isTextual() ? value.asText() : null;
            }
        }
        return null;
    }

    private static KubeStatusException invalid(ApiResource resource, String name, String why) {
        ObjectNode details = details(resource, name);
        details.putArray("causes").addObject().put("reason", "FieldValueInvalid").put("message", why);
        return new KubeStatusException(422, "Invalid", resource.kind() + " \"" + Query.abbreviate(name)
                + "\" is invalid: " + why, details);
    }

    private static KubeStatusException unavailable(ApiResource resource, String name, String why) {
        return new KubeStatusException(503, "ServiceUnavailable", resource.qualifiedName() + " \"" + name
                + "\" cannot be written on this node: " + why, details(resource, name));
    }

    private static KubeStatusException storeFailed(ApiResource resource, String name, StoreException e) {
        LOG.warn("Write of {} {} through the Kubernetes API not stored: {}", resource.kind(), name, e.getMessage());
        return new KubeStatusException(503, "ServiceUnavailable", "the node's store could not write "
                + resource.qualifiedName() + " \"" + name + "\", nothing was stored: " + e.getMessage(),
                details(resource, name));
    }
}
