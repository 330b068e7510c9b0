package io.karedge.api.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of one task, with what the tracker works out from it at the time of the snapshot.
 *
 * @param id         the task's id
 * @param kind       the kind ({@link ProgressTracker#FEATURE_INSTALL} ...)
 * @param title      what the task is about
 * @param phase      what it was doing last (empty before the first phase)
 * @param done       units done
 * @param total      units in all; {@code 0} or less when unknown
 * @param unit       what a unit is, or {@link ProgressTask#STEPS}
 * @param state      running, succeeded or failed
 * @param message    the result of a task that succeeded, the reason of one that failed; empty otherwise
 * @param startedAt  when it started
 * @param updatedAt  when it last reported anything
 * @param finishedAt when it ended; null while running
 * @param elapsed    from start to end, or to the snapshot while running
 * @param percent    done of total in percent (0 to 100), or null when the total is unknown
 * @param ratePerSecond units per second over the last seconds of work, or null where not meaningful (steps,
 *                   too early, nothing done yet)
 * @param eta        time left at that rate, or null (no rate, no total, or ended)
 */
public record TaskProgress(String id, String kind, String title, String phase, long done, long total, String unit,
                           TaskState state, String message, Instant startedAt, Instant updatedAt,
                           Instant finishedAt, Duration elapsed, Double percent, Double ratePerSecond,
                           Duration eta) {

    public TaskProgress {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        title = title == null ? "" : title;
        phase = phase == null ? "" : phase;
        unit = unit == null ? "" : unit;
        message = message == null ? "" : message;
    }

    /** @return whether the task is still running */
    public boolean running() {
        return state == TaskState.RUNNING;
    }
}
