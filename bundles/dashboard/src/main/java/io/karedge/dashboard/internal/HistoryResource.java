package io.karedge.dashboard.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.TwinEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/namespaces/{ns}/devices/{name}/history[?property=P][&since=S]}: the recent values of a
 * device's properties from the {@link TwinHistory}, for its charts. Behind the node's access filter like the
 * rest of the API.
 */
@Component(service = HistoryResource.class, property = "karedge.optional.part=twin engine")
@JaxrsResource
@JSONRequired
@Path("/api/v1/namespaces/{namespace}/devices/{name}/history")
@Produces(MediaType.APPLICATION_JSON)
public class HistoryResource {

    /** What a request without {@code since} gets. */
    static final Duration DEFAULT_SPAN = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(HistoryResource.class);

    private final TwinHistory history;
    private final TwinEngine engine;
    private final Clock clock;

    @Activate
    public HistoryResource(@Reference(name = "history") TwinHistory history,
                           @Reference(name = "twinEngine") TwinEngine engine) {
        this(history, engine, Clock.systemUTC());
    }

    HistoryResource(TwinHistory history, TwinEngine engine, Clock clock) {
        this.history = history;
        this.engine = engine;
        this.clock = clock;
    }

    /**
     * @param since an RFC 3339 time ({@code 2026-12-06T15:00:00Z}), epoch milliseconds, or a span back from
     *              now in seconds with an {@code s} ({@code 600s}); the last hour when absent
     */
    @GET
    public Response history(@PathParam("namespace") String namespace, @PathParam("name") String name,
                            @QueryParam("property") String property, @QueryParam("since") String since) {
        String deviceId = namespace + "/" + name;
        Instant now = clock.instant();
        Instant from;
        try {
            from = since == null || since.isEmpty() ? now.minus(DEFAULT_SPAN) : parseSince(since, now);
        } catch (IllegalArgumentException e) {
            LOG.info("Refused a history request for {}: {}", deviceId, e.getMessage());
            return failure(400, "BadRequest", e.getMessage());
        }
        if (engine.device(deviceId).isEmpty()) {
            return failure(404, "NotFound", "devices.devices.kubeedge.io \"" + deviceId + "\" not found");
        }
        ValueHistory values = history.history();
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode body = json.objectNode();
        body.put("deviceId", deviceId);
        body.put("since", from.toString());
        body.put("now", now.toString());
        ValueHistory.Limits limits = values.limits();
        body.putObject("resolution").put("finePoints", limits.finePoints()).put("coarseMinutes", limits.coarseMinutes());
        ObjectNode properties = body.putObject("properties");
        for (Map.Entry<String, ValueHistory.PropertyView> entry
                : values.of(deviceId, property, from.toEpochMilli()).entrySet()) {
            ObjectNode view = properties.putObject(entry.getKey());
            view.put("kind", entry.getValue().numeric() ? "number" : "text");
            ArrayNode points = view.putArray("points");
            for (PropertyHistory.Point point : entry.getValue().points()) {
                ArrayNode row = points.addArray();
                row.add(point.atMillis());
                add(row, point.actual());
                add(row, point.desired());
                if (!Double.isNaN(point.min()) && point.min() != point.max()) {
                    row.add(point.min()).add(point.max());
                }
            }
        }
        return Response.ok(body).build();
    }

    static Instant parseSince(String since, Instant now) {
        try {
            if (since.endsWith("s") && since.length() > 1) {
                long seconds = Long.parseLong(since.substring(0, since.length() - 1));
                if (seconds < 0) {
                    throw new IllegalArgumentException("since: a span back from now must not be negative: " + since);
                }
                return now.minusSeconds(seconds);
            }
            if (since.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(since));
            }
            return Instant.parse(since);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("since must be an RFC 3339 time (2026-01-02T15:04:05Z), epoch "
                    + "milliseconds or seconds back from now (600s), not '" + since + "'");
        }
    }

    private static void add(ArrayNode row, Object value) {
        if (value == null) {
            row.addNull();
        } else if (value instanceof Double number) {
            row.add(number);
        } else {
            row.add(value.toString());
        }
    }

    private static Response failure(int code, String reason, String message) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("kind", "Status").put("apiVersion", "v1").put("status", "Failure").put("message", message)
                .put("reason", reason).put("code", code);
        return Response.status(code).type(MediaType.APPLICATION_JSON_TYPE).entity(status).build();
    }
}
