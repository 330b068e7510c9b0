package io.karedge.pod;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest instance of one container, as the runtime sees it.
 *
 * @param name       the container's name in the pod
 * @param id         the runtime's id of this instance
 * @param attempt    the instance number (the restart count)
 * @param state      its state
 * @param exitCode   the exit code once {@link State#EXITED}
 * @param reason     the runtime's reason ({@code Completed}, {@code Error}, {@code OOMKilled} ...), or {@code null}
 * @param message    the runtime's message, or {@code null}
 * @param createdAt  creation time, or {@code null}
 * @param startedAt  start time, or {@code null}
 * @param finishedAt end time, or {@code null}
 * @param image      the image as asked for
 * @param imageId    the image the runtime resolved, or {@code null}
 */
public record ContainerObservation(String name, String id, int attempt, State state, int exitCode, String reason,
                                   String message, Instant createdAt, Instant startedAt, Instant finishedAt,
                                   String image, String imageId) {

    /** Container states, as CRI names them. */
    public enum State { CREATED, RUNNING, EXITED, UNKNOWN }

    public ContainerObservation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
