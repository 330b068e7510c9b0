package io.karedge.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressResourceTest {

    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void runningAndFinishedTasksWithWhatIsKnownOfThem() {
        TaskProgress drain = new TaskProgress("t3", "uplink-drain", "Uplink backlog", "sending", 400, 1000, "entries",
                TaskState.RUNNING, "", START, START.plusSeconds(4), null, Duration.ofSeconds(4), 40.0, 100.04,
                Duration.ofSeconds(6));
        TaskProgress join = new TaskProgress("t1", "join", "join 10.0.0.5:10000", "connecting", 3, 5,
                ProgressTask.STEPS, TaskState.FAILED, "HTTP 401", START, START.plusSeconds(2), START.plusSeconds(2),
                Duration.ofSeconds(2), 60.0, null, null);
        TaskProgress unknown = new TaskProgress("t2", "work", "no total", "", 7, 0, "items", TaskState.SUCCEEDED, "ok",
                START, START, START, Duration.ZERO, null, null, null);

        ObjectNode body = ProgressResource.json(List.of(drain, join, unknown));

        assertThat(body.path("running").asInt()).isEqualTo(1);
        assertThat(body.path("tasks")).hasSize(3);
        ObjectNode first = (ObjectNode) body.path("tasks").get(0);
        assertThat(first.path("kind").asText()).isEqualTo("uplink-drain");
        assertThat(first.path("state").asText()).isEqualTo("RUNNING");
        assertThat(first.path("done").asLong()).isEqualTo(400);
        assertThat(first.path("total").asLong()).isEqualTo(1000);
        assertThat(first.path("percent").asDouble()).isEqualTo(40.0);
        assertThat(first.path("ratePerSecond").asDouble()).isEqualTo(100.0);
        assertThat(first.path("etaSeconds").asDouble()).isEqualTo(6.0);
        assertThat(first.path("startedAt").asText()).isEqualTo("2026-06-01T12:00:00Z");
        assertThat(first.has("finishedAt")).isFalse();

        ObjectNode failed = (ObjectNode) body.path("tasks").get(1);
        assertThat(failed.path("message").asText()).isEqualTo("HTTP 401");
        assertThat(failed.path("unit").asText()).isEqualTo("steps");
        assertThat(failed.has("ratePerSecond")).isFalse();
        assertThat(failed.has("etaSeconds")).isFalse();
        assertThat(failed.path("finishedAt").asText()).isEqualTo("2026-06-01T12:00:02Z");

        ObjectNode noTotal = (ObjectNode) body.path("tasks").get(2);
        assertThat(noTotal.has("total")).isFalse();
        assertThat(noTotal.has("percent")).isFalse();
    }
}
