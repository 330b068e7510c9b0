package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.StoredObject;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One write request: the method and path checked, the query ({@code dryRun}, {@code fieldValidation}) and body
 * read and its fields checked ({@link FieldValidation}), then handed to
 * the {@link ObjectWriter}. POST to a namespaced collection creates (201), PUT replaces (200), PATCH patches
 * (200), DELETE deletes (200 with a {@code Success} Status).
 */
final class WriteRequest {

    private static final Logger LOG = LoggerFactory.getLogger(WriteRequest.class);
    private static final String JSON = "application/json";
    private static final Set<String> PATCH_TYPES = Set.of(Patches.MERGE, Patches.JSON_PATCH, Patches.STRATEGIC);

    private final HttpExchange exchange;
    private final ObjectWriter writer;
    private final ApiResource resource;
    private final String namespace;
    private final String name;
    private final long maxBytes;

    WriteRequest(HttpExchange exchange, ObjectWriter writer, ApiResource resource, String namespace, String name,
                 long maxBytes) {
        this.exchange = exchange;
        this.writer = writer;
        this.resource = resource;
        this.namespace = namespace;
        this.name = name;
        this.maxBytes = maxBytes;
    }

    void serve() throws IOException, KubeStatusException {
        String method = exchange.getRequestMethod();
        if (!ObjectWriter.writable(resource)) {
            throw notAllowed(resource.qualifiedName() + " cannot be written through the edge-local API: "
                    + (resource.namespaced() ? "the node takes them from the cloud only"
                    : "they are cluster-scoped and belong to the cluster"));
        }
        boolean collection = name == null;
        if (collection && !method.equals("POST")) {
            throw notAllowed(method.equals("DELETE") ? "deleting a collection is not served: delete objects by name"
                    : method + " is not served on a collection; POST creates");
        }
        if (collection && namespace == null) {
            throw notAllowed("create " + resource.qualifiedName() + " in a namespace: POST to "
                    + "namespaces/{namespace}/" + resource.plural());
        }
        Query query = Query.parse(exchange.getRequestURI().getRawQuery());
        boolean dryRun = dryRun(query);
        FieldValidation.Directive validation = FieldValidation.directive(query.get("fieldValidation"));
        StoredObject written;
        switch (collection ? "CREATE" : method) {
            case "CREATE" -> {
                requireJson();
                written = writer.create(resource, namespace, validated(RequestBody.read(exchange, maxBytes),
                        validation), dryRun);
                answer(201, written);
            }
            case "PUT" -> {
                requireJson();
                written = writer.replace(resource, namespace, name, validated(RequestBody.read(exchange, maxBytes),
                        validation), dryRun);
                answer(200, written);
            }
            case "PATCH" -> {
                String type = patchType();
                JsonNode patch = RequestBody.read(exchange, maxBytes);
                if (!type.equals(Patches.JSON_PATCH)) {
                    validated(patch, validation);
                }
                written = writer.patch(resource, namespace, name, type, patch, dryRun);
                answer(200, written);
            }
            case "DELETE" -> {
                JsonNode options = hasBody() ? RequestBody.read(exchange, maxBytes) : null;
                written = writer.delete(resource, namespace, name, options, dryRun);
                ObjectNode status = KaredgeJson.mapper().createObjectNode();
                status.put("kind", "Status");
                status.put("apiVersion", "v1");
                status.putObject("metadata");
                status.put("status", "Success");
                ObjectNode details = ObjectWriter.details(resource, name);
                details.put("uid", written.uid());
                status.set("details", details);
                KubeApiHandler.sendJson(exchange, 200, JSON, status);
            }
            default -> throw notAllowed(method + " is not served");
        }
        if (!dryRun) {
            LOG.debug("{} {} {}/{} stored at version {}", method, resource.kind(), namespace, written.key().name(),
                    written.resourceVersion());
        }
    }

    /** Checks the fields of a body under the request's fieldValidation: refused, or each one a Warning header. */
    private JsonNode validated(JsonNode body, FieldValidation.Directive directive) throws KubeStatusException {
        for (String warning : FieldValidation.check(resource, body, directive)) {
            exchange.getResponseHeaders().add("Warning", FieldValidation.headerValue(warning));
        }
        return body;
    }

    private void answer(int code, StoredObject written) throws IOException {
        KubeApiHandler.sendJson(exchange, code, JSON, Objects.served(written, resource));
    }

    private static boolean dryRun(Query query) throws KubeStatusException {
        String value = query.get("dryRun");
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (value.equals("All")) {
            return true;
        }
        throw KubeStatusException.badRequest("dryRun: Unsupported value: \"" + Query.abbreviate(value)
                + "\": supported values: \"All\"");
    }

    private void requireJson() throws KubeStatusException {
        String type = RequestBody.mediaType(exchange);
        if (type.isEmpty()) {
            throw unsupported("the body must be JSON: send it with Content-Type: application/json");
        }
        if (!type.equals(JSON)) {
            throw unsupported("the body must be JSON (Content-Type: application/json), not " + Query.abbreviate(type));
        }
    }

    private String patchType() throws KubeStatusException {
        String type = RequestBody.mediaType(exchange);
        if (type.equals(Patches.APPLY)) {
            throw unsupported("server-side apply (application/apply-patch+yaml) is not served on this node: use "
                    + "client-side apply (kubectl apply without --server-side), a merge patch or a JSON patch");
        }
        if (!PATCH_TYPES.contains(type)) {
            throw unsupported("the patch type \"" + Query.abbreviate(type) + "\" is not served: use "
                    + Patches.MERGE + ", " + Patches.STRATEGIC + " or " + Patches.JSON_PATCH);
        }
        return type;
    }

    private boolean hasBody() {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        String chunked = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
        return (length != null && !length.trim().equals("0")) || chunked != null;
    }

    private KubeStatusException notAllowed(String message) {
        return new KubeStatusException(405, "MethodNotAllowed", message, ObjectWriter.details(resource, name));
    }

    private static KubeStatusException unsupported(String message) {
        return new KubeStatusException(415, "UnsupportedMediaType", message);
    }
}
