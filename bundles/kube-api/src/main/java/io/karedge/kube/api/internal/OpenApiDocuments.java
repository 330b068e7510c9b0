package io.karedge.kube.api.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAPI v3 documents kubectl reads before {@code kubectl apply} (and {@code kubectl explain}):
 * {@code /openapi/v3} lists one document per group version, {@code /openapi/v3/api/v1} and
 * {@code /openapi/v3/apis/devices.kubeedge.io/v1beta1} describe its paths and schemas.
 *
 * <p>kubectl validates a manifest on the server when the PATCH operation of its kind names the
 * {@code fieldValidation} query parameter, which each one here does: the server then checks fields against
 * the same schemas ({@link FieldValidation}). Without that, kubectl would validate on the client with the
 * OpenAPI v2 document in protobuf, which is not served.
 */
final class OpenApiDocuments {

    /** Documents by path after {@code /openapi/v3/}: {@code api/v1}, {@code apis/<group>/<version>}. */
    private final Map<String, byte[]> documents = new LinkedHashMap<>();
    private final byte[] index;

    OpenApiDocuments(String serverVersion) {
        Map<String, List<ApiResource>> byGroupVersion = new LinkedHashMap<>();
        for (ApiResource resource : ApiResource.all()) {
            String path = resource.group().isEmpty() ? "api/" + resource.version()
                    : "apis/" + resource.group() + "/" + resource.version();
            byGroupVersion.computeIfAbsent(path, p -> new java.util.ArrayList<>()).add(resource);
        }
        ObjectNode indexDocument = KaredgeJson.mapper().createObjectNode();
        ObjectNode paths = indexDocument.putObject("paths");
        byGroupVersion.forEach((path, resources) -> {
            byte[] bytes = bytes(document(resources, serverVersion));
            documents.put(path, bytes);
            String hash = sha512(bytes);
            paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash);
        });
        index = bytes(indexDocument);
    }

    private static volatile OpenApiDocuments served;

    /**
     * Answers {@code GET /openapi/v3[/<group version path>]}; the documents are made at the first request.
     *
     * @param segments the path's segments, {@code openapi} first
     */
    static void serve(HttpExchange exchange, List<String> segments) throws IOException, KubeStatusException {
        if (segments.size() < 2 || !segments.get(1).equals("v3")) {
            throw KubeApiHandler.notFound();
        }
        OpenApiDocuments documents = served;
        if (documents == null) {
            documents = new OpenApiDocuments(Discovery.version().path("gitVersion").asText("karedge"));
            served = documents;
        }
        byte[] body = segments.size() == 2 ? documents.index()
                : documents.document(String.join("/", segments.subList(2, segments.size())))
                        .orElseThrow(KubeApiHandler::notFound);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        // the documents never change while the bundle runs; the hash in each URL tells versions apart
        exchange.getResponseHeaders().set("Cache-Control", segments.size() == 2 ? "no-cache, private"
                : "public, immutable");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
    }

    /** @return the index of {@code /openapi/v3} */
    byte[] index() {
        return index;
    }

    /** @return the document of a group version path ({@code api/v1}), if served */
    Optional<byte[]> document(String path) {
        return Optional.ofNullable(documents.get(path));
    }

    private static ObjectNode document(List<ApiResource> resources, String serverVersion) {
        ApiResource first = resources.get(0);
        OpenApiSchemas schemas = OpenApiSchemas.forGroupVersion(first.group(), first.version());
        ObjectNode document = KaredgeJson.mapper().createObjectNode();
        document.put("openapi", "3.0.0");
        document.putObject("info").put("title", "Karedge edge-local Kubernetes API").put("version", serverVersion);
        ObjectNode paths = document.putObject("paths");
        for (ApiResource resource : resources) {
            String base = (resource.group().isEmpty() ? "/api/" : "/apis/" + resource.group() + "/")
                    + resource.version() + "/";
            String ref = OpenApiSchemas.REF_PREFIX + OpenApiSchemas.kindComponent(resource);
            if (resource.namespaced()) {
                ObjectNode all = paths.putObject(base + resource.plural());
                all.set("get", operation(resource, "list", ref, false));
                String collection = base + "namespaces/{namespace}/" + resource.plural();
                ObjectNode inNamespace = paths.putObject(collection);
                inNamespace.set("get", operation(resource, "list", ref, false));
                inNamespace.set("post", operation(resource, "post", ref, true));
                namespaceParameter(inNamespace);
                ObjectNode named = paths.putObject(collection + "/{name}");
                named(named, resource, ref);
                namespaceParameter(named);
            } else {
                paths.putObject(base + resource.plural()).set("get", operation(resource, "list", ref, false));
                named(paths.putObject(base + resource.plural() + "/{name}"), resource, ref);
            }
        }
        ObjectNode components = document.putObject("components").putObject("schemas");
        schemas.components().forEach(components::set);
        return document;
    }

    private static void named(ObjectNode path, ApiResource resource, String ref) {
        path.set("get", operation(resource, "get", ref, false));
        path.set("put", operation(resource, "put", ref, true));
        path.set("patch", operation(resource, "patch", ref, true));
        path.set("delete", operation(resource, "delete", ref, false));
        path.putArray("parameters").addObject().put("name", "name").put("in", "path").put("required", true)
                .put("description", "name of the " + resource.kind()).putObject("schema").put("type", "string");
    }

    private static void namespaceParameter(ObjectNode path) {
        ArrayNode parameters = path.has("parameters") ? (ArrayNode) path.get("parameters") : path.putArray("parameters");
        parameters.addObject().put("name", "namespace").put("in", "path").put("required", true)
                .put("description", "object name and auth scope, such as for teams and projects")
                .putObject("schema").put("type", "string");
    }

    private static ObjectNode operation(ApiResource resource, String action, String ref, boolean write) {
        ObjectNode operation = KaredgeJson.mapper().createObjectNode();
        String kind = resource.kind();
        operation.put("operationId", action + kind);
        operation.put("x-kubernetes-action", action);
        operation.putObject("x-kubernetes-group-version-kind").put("group", resource.group())
                .put("version", resource.version()).put("kind", kind);
        ArrayNode parameters = operation.putArray("parameters");
        if (write) {
            parameters.addObject().put("name", "dryRun").put("in", "query").put("description",
                    "All: the write is checked but not stored").putObject("schema").put("type", "string");
            parameters.addObject().put("name", "fieldValidation").put("in", "query").put("description",
                    "Ignore, Warn or Strict: what the server does with fields the kind's schema does not have")
                    .putObject("schema").put("type", "string");
            ObjectNode content = operation.putObject("requestBody").put("required", true).putObject("content");
            Set<String> types = action.equals("patch")
                    ? Set.of(Patches.MERGE, Patches.STRATEGIC, Patches.JSON_PATCH) : Set.of("application/json");
            for (String type : types) {
                content.putObject(type).putObject("schema").put("$ref", ref);
            }
        }
        if (action.equals("list") || action.equals("get")) {
            parameters.addObject().put("name", "resourceVersion").put("in", "query").putObject("schema")
                    .put("type", "string");
        }
        if (action.equals("list")) {
            for (String name : List.of("labelSelector", "fieldSelector", "continue")) {
                parameters.addObject().put("name", name).put("in", "query").putObject("schema").put("type", "string");
            }
            parameters.addObject().put("name", "limit").put("in", "query").putObject("schema").put("type", "integer");
            parameters.addObject().put("name", "watch").put("in", "query").putObject("schema").put("type", "boolean");
        }
        ObjectNode ok = operation.putObject("responses").putObject(action.equals("post") ? "201" : "200");
        ok.put("description", "OK");
        if (!action.equals("list") && !action.equals("delete")) {
            ok.putObject("content").putObject("application/json").putObject("schema").put("$ref", ref);
        }
        return operation;
    }

    private static byte[] bytes(ObjectNode document) {
        try {
            return KaredgeJson.mapper().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha512(byte[] bytes) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
