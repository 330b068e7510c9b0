package io.karedge.rest.internal;

import io.karedge.pod.LogChunk;
import io.karedge.pod.PodManagerStatus;
import java.nio.charset.StandardCharsets;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/v1/namespaces/{ns}/pods/{name}/log?container=&previous=&offset=&limitBytes=}: a container's
 * log as plain text, one line per log line (errors are JSON Status objects). The header {@value #NEXT_OFFSET} says where to read on from, so a
 * client follows a log by asking again with {@code offset} set to it.
 */
@Component(service = PodLogResource.class, property = HealthProperties.OPTIONAL_POD_MANAGER)
@JaxrsResource
@JSONRequired
@Path("/api/v1/namespaces/{namespace}/pods/{name}/log")
public class PodLogResource {

    static final String NEXT_OFFSET = "X-Karedge-Next-Offset";
    static final int DEFAULT_LIMIT = 1024 * 1024;
    static final int MAX_LIMIT = 8 * 1024 * 1024;

    private static final MediaType TEXT = MediaType.valueOf("text/plain; charset=utf-8");

    private final PodManagerStatus pods;

    @Activate
    public PodLogResource(@Reference(name = "podManager") PodManagerStatus pods) {
        this.pods = pods;
    }

    @GET
    @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    public Response log(@PathParam("namespace") String namespace, @PathParam("name") String name,
                        @QueryParam("container") String container, @QueryParam("previous") String previous,
                        @QueryParam("offset") String offset, @QueryParam("limitBytes") String limitBytes) {
        long from;
        long limit;
        try {
            from = nonNegative("offset", offset, 0);
            limit = nonNegative("limitBytes", limitBytes, DEFAULT_LIMIT);
        } catch (IllegalArgumentException e) {
            return ApiStatus.response(400, ApiStatus.BAD_REQUEST, e.getMessage());
        }
        if (limit == 0) {
            limit = DEFAULT_LIMIT;
        }
        boolean before = previous != null && (previous.isEmpty() || Boolean.parseBoolean(previous));
        if (pods.pod(namespace, name).isEmpty()) {
            return ApiStatus.response(ApiStatus.notFound("pods", "", name));
        }
        String target = container == null || container.isBlank() ? null : container;
        LogChunk chunk = pods.log(namespace, name, target, before, from, (int) Math.min(limit, MAX_LIMIT));
        if (!chunk.found()) {
            return ApiStatus.response(400, ApiStatus.BAD_REQUEST, (target == null ? "the first container"
                    : "container \"" + target + "\"") + " in pod \"" + name + "\" has no "
                    + (before ? "previous " : "") + "log (unknown, or not started yet)");
        }
        StringBuilder text = new StringBuilder();
        chunk.lines().forEach(line -> text.append(line).append('\n'));
        return Response.ok(text.toString().getBytes(StandardCharsets.UTF_8), TEXT)
                .header(NEXT_OFFSET, Long.toString(chunk.nextOffset())).build();
    }

    private static long nonNegative(String parameter, String value, long absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(parameter + ": Invalid value: \"" + value
                + "\": must be a non-negative integer");
    }
}
