package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinEngine;
import java.time.Duration;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code GET /api/v1/twins}: the member devices, or with {@code ?watch=true} the changes of all twins. */
@Component(service = TwinsResource.class)
@JaxrsResource
@JSONRequired
@Path("/api/v1/twins")
@Produces(MediaType.APPLICATION_JSON)
public class TwinsResource {

    static final int QUEUE_CAPACITY = 1024;
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    static final long DEFAULT_TIMEOUT_SECONDS = 300;
    static final long MAX_TIMEOUT_SECONDS = 1800;

    private final TwinEngine engine;
    private final TwinChangeHub hub;

    @Activate
    public TwinsResource(@Reference(name = "twinEngine") TwinEngine engine, @Reference(name = "hub") TwinChangeHub hub) {
        this.engine = engine;
        this.hub = hub;
    }

    @GET
    public Response list(@QueryParam("watch") String watch, @QueryParam("timeoutSeconds") String timeoutSeconds) {
        if (isWatch(watch)) {
            return stream(hub, null, timeoutSeconds);
        }
        ObjectNode answer = KaredgeJson.mapper().createObjectNode();
        ObjectNode devices = answer.putObject("devices");
        for (String id : engine.members()) {
            engine.device(id).ifPresent(twin -> devices.set(id, TwinJson.device(twin)));
        }
        return Response.ok(answer).build();
    }

    static boolean isWatch(String watch) {
        return "true".equalsIgnoreCase(watch) || "1".equals(watch);
    }

    static Response stream(TwinChangeHub hub, String deviceId, String timeoutSeconds) {
        long seconds = DEFAULT_TIMEOUT_SECONDS;
        if (timeoutSeconds != null && !timeoutSeconds.isBlank()) {
            try {
                seconds = Long.parseLong(timeoutSeconds.trim());
            } catch (NumberFormatException e) {
                return ApiStatus.response(400, ApiStatus.BAD_REQUEST, "timeoutSeconds must be a number");
            }
            seconds = seconds <= 0 ? DEFAULT_TIMEOUT_SECONDS : Math.min(seconds, MAX_TIMEOUT_SECONDS);
        }
        return Response.ok(new TwinWatchStream(hub, deviceId, Duration.ofSeconds(seconds), QUEUE_CAPACITY, KEEP_ALIVE))
                .type("application/json;stream=watch").build();
    }
}
