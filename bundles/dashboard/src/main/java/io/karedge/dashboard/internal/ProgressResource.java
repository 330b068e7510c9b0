package io.karedge.dashboard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/v1/progress}: long work under way and recently finished, as the node's progress tracker
 * has it (feature deployments, joins, driver swaps, the Uplink draining after a reconnect).
 */
@Component(service = ProgressResource.class)
@JaxrsResource
@JSONRequired
@Path("/api/v1/progress")
@Produces(MediaType.APPLICATION_JSON)
public class ProgressResource {

    private final ProgressTracker tracker;

    @Activate
    public ProgressResource(@Reference(name = "tracker") ProgressTracker tracker) {
        this.tracker = tracker;
    }

    @GET
    public JsonNode progress() {
        return json(tracker.tasks());
    }

    /** @return {@code {"running":N,"tasks":[...]}}, the running tasks first */
    static ObjectNode json(List<TaskProgress> tasks) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("running", tasks.stream().filter(TaskProgress::running).count());
        ArrayNode list = body.putArray("tasks");
        for (TaskProgress task : tasks) {
            ObjectNode item = list.addObject();
            item.put("id", task.id()).put("kind", task.kind()).put("title", task.title()).put("phase", task.phase())
                    .put("state", task.state().name()).put("message", task.message())
                    .put("done", task.done()).put("unit", task.unit());
            if (task.total() > 0) {
                item.put("total", task.total());
            }
            time(item, "startedAt", task.startedAt());
            time(item, "updatedAt", task.updatedAt());
            time(item, "finishedAt", task.finishedAt());
            seconds(item, "elapsedSeconds", task.elapsed());
            if (task.percent() != null) {
                item.put("percent", Math.round(task.percent() * 10) / 10.0);
            }
            if (task.ratePerSecond() != null) {
                item.put("ratePerSecond", Math.round(task.ratePerSecond() * 10) / 10.0);
            }
            seconds(item, "etaSeconds", task.eta());
        }
        return body;
    }

    private static void time(ObjectNode item, String field, Instant value) {
        if (value != null) {
            item.put(field, value.toString());
        }
    }

    private static void seconds(ObjectNode item, String field, Duration value) {
        if (value != null) {
            item.put(field, value.toMillis() / 1000.0);
        }
    }
}
