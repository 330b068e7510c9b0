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
    private final RestLimits limits;

    @Activate
    public TwinsResource(@Reference(name = "twinEngine") TwinEngine engine, @Reference(name = "hub") TwinChangeHub hub,
                         @Reference(name = "limits") RestLimits limits) {
        this.engine = engine;
        this.hub = hub;
        this.limits = limits;
    }

    TwinsResource(TwinEngine engine, TwinChangeHub hub) {
        this(engine, hub, RestLimits.defaults());
    }

    @GET
    public Response list(@QueryParam("watch") String watch, @QueryParam("timeoutSeconds") String timeoutSeconds) {
        if (isWatch(watch)) {
            return stream(hub, limits, null, timeoutSeconds);
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

    /** A twin watch takes one of the watch slots it shares with object watches, or is answered 429. */
    static Response stream(TwinChangeHub hub, RestLimits limits, String deviceId, String timeoutSeconds) {
        long seconds = DEFAULT_TIMEOUT_SECONDS;
        if (timeoutSeconds != null && !timeoutSeconds.isBlank()) {
            try {
                seconds = Long.parseLong(timeoutSeconds.trim());
            } catch (NumberFormatException e) {
                return ApiStatus.response(400, ApiStatus.BAD_REQUEST, "timeoutSeconds must be a number");
            }
            seconds = seconds <= 0 ? DEFAULT_TIMEOUT_SECONDS : Math.min(seconds, MAX_TIMEOUT_SECONDS);
        }
        if (!limits.tryAcquireWatch()) {
            return limits.tooManyWatches();
        }
        TwinWatchStream stream = new TwinWatchStream(hub, deviceId, Duration.ofSeconds(seconds), QUEUE_CAPACITY,
                limits.watchBufferMaxBytes(), KEEP_ALIVE, limits::releaseWatch);
        try {
            return Response.ok(stream).type("application/json;stream=watch").build();
        } catch (RuntimeException e) {
            stream.end();
            throw e;
        }
    }
}
