package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinDesiredReply;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * The twin of one device: {@code GET} (twins with their store versions, state, last online), {@code PUT}
 * of desired values, optionally conditional on versions, and {@code ?watch=true} for its changes. A
 * component of its own, so the rest of the API works without the twin engine.
 */
@Component(service = TwinResource.class)
@JaxrsResource
@JSONRequired
@Path("/api/v1/namespaces/{namespace}/devices/{name}/twin")
@Produces(MediaType.APPLICATION_JSON)
public class TwinResource {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private final TwinEngine engine;
    private final TwinChangeHub hub;
    private final RestLimits limits;

    @Activate
    public TwinResource(@Reference(name = "twinEngine") TwinEngine engine, @Reference(name = "hub") TwinChangeHub hub,
                        @Reference(name = "limits") RestLimits limits) {
        this.engine = engine;
        this.hub = hub;
        this.limits = limits;
    }

    TwinResource(TwinEngine engine, TwinChangeHub hub) {
        this(engine, hub, RestLimits.defaults());
    }

    @GET
    public Response get(@PathParam("namespace") String namespace, @PathParam("name") String name,
                        @QueryParam("watch") String watch, @QueryParam("timeoutSeconds") String timeoutSeconds) {
        String deviceId = namespace + "/" + name;
        Optional<DeviceTwin> twin = engine.device(deviceId);
        if (twin.isEmpty()) {
            return ApiStatus.response(ApiStatus.notFound("devices", "devices.kubeedge.io", deviceId));
        }
        if (TwinsResource.isWatch(watch)) {
            return TwinsResource.stream(hub, limits, deviceId, timeoutSeconds);
        }
        return Response.ok(TwinJson.device(twin.get())).build();
    }

    /**
     * Body {@code {"desired":{"<prop>":"23"},"expectedVersions":{"<prop>":7}}}; a property missing from
     * {@code expectedVersions} is written whatever its version ({@code 0}: it must not exist yet).
     * All the values are written in one step, or none is; at most {@code twin.properties.per.request.max}
     * of them. The body is read here, not by a JSON provider, so that its size, encoding and shape are
     * bounded and every fault in it is a 400 or 413 with one line of reason.
     */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("namespace") String namespace, @PathParam("name") String name,
                        @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                        @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream entity) {
        String deviceId = namespace + "/" + name;
        JsonNode body;
        try {
            body = JsonBody.read(entity, mediaType(contentType), contentLength, limits.bodyMaxBytes());
        } catch (ApiException e) {
            return ApiStatus.response(e.status());
        }
        if (engine.device(deviceId).isEmpty()) {
            return ApiStatus.response(ApiStatus.notFound("devices", "devices.kubeedge.io", deviceId));
        }
        JsonNode desired = body.get("desired");
        JsonNode expected = body.path("expectedVersions");
        if (desired == null || !desired.isObject() || desired.isEmpty()) {
            return ApiStatus.response(400, ApiStatus.BAD_REQUEST,
                    "the body needs {\"desired\":{\"<property>\":\"<value>\"}, \"expectedVersions\":{...}}");
        }
        if (desired.size() > limits.twinPropertiesPerRequestMax()) {
            return ApiStatus.response(413, ApiStatus.REQUEST_ENTITY_TOO_LARGE, "the request sets " + desired.size()
                    + " properties; at most " + limits.twinPropertiesPerRequestMax()
                    + " are allowed in one request (twin.properties.per.request.max)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Long> versions = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = desired.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String property = field.getKey();
            if (!field.getValue().isTextual()) {
                return ApiStatus.response(400, ApiStatus.BAD_REQUEST, "desired." + property + " must be a string");
            }
            JsonNode version = expected.get(property);
            if (version != null && !version.isIntegralNumber()) {
                return ApiStatus.response(400, ApiStatus.BAD_REQUEST,
                        "expectedVersions." + property + " must be an integer");
            }
            values.put(property, field.getValue().textValue());
            if (version != null) {
                versions.put(property, version.longValue());
            }
        }
        TwinDesiredReply reply;
        try {
            reply = engine.setDesired(deviceId, values, versions, TwinOrigin.REST).toCompletableFuture()
                    .get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiStatus.response(503, ApiStatus.SERVICE_UNAVAILABLE, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return ApiStatus.response(503, ApiStatus.SERVICE_UNAVAILABLE, "the twin engine did not answer: " + e);
        }
        if (!reply.ok()) {
            return refusal(reply);
        }
        ObjectNode answer = KaredgeJson.mapper().createObjectNode();
        answer.put("deviceId", deviceId);
        ObjectNode written = answer.putObject("versions");
        reply.versions().forEach(written::put);
        return Response.ok(answer).build();
    }

    private static MediaType mediaType(String header) throws ApiException {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return MediaType.valueOf(header);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, ApiStatus.BAD_REQUEST, "Content-Type is malformed");
        }
    }

    private static Response refusal(TwinDesiredReply reply) {
        String reason = switch (reply.code()) {
            case 400 -> ApiStatus.BAD_REQUEST;
            case 404 -> ApiStatus.NOT_FOUND;
            case 409 -> "Conflict";
            default -> ApiStatus.INTERNAL_ERROR;
        };
        ObjectNode status = ApiStatus.failure(reply.code(), reason, reply.reason());
        ObjectNode details = status.putObject("details");
        if (reply.property() != null) {
            details.put("property", reply.property());
        }
        if (reply.code() == 409 && reply.property() != null) {
            details.putObject("currentVersions").put(reply.property(), reply.versions().get(reply.property()));
        }
        return ApiStatus.response(status);
    }
}
