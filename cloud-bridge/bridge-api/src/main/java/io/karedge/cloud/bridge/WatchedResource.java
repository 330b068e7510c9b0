package io.karedge.cloud.bridge;

import java.time.Instant;
import java.util.Objects;

/**
 * The cloud watch feed for one resource at one moment: the watch, the last full list, and the watch events.
 *
 * @param resource           the resource as configured in {@code watch.resources} ({@code services},
 *                           {@code endpoints}, {@code nodes})
 * @param state              where the watch stands
 * @param reason             why it is {@link WatchState#REFUSED} or {@link WatchState#RETRYING} (CloudCore's reason,
 *                           or the failure), else {@code ""}
 * @param retryAt            when the watch sync is sent again while refused or retrying, else {@code null}
 * @param lastList           when the last list answer replaced the stored objects of this resource, or {@code null}
 *                           if none did since the bridge started
 * @param listedObjects      how many objects that list named
 * @param deletedByList      how many objects that list deleted on the node because the cloud no longer has them
 * @param listProblem        why the last list attempt of the current session failed (it is tried again), else
 *                           {@code ""}
 * @param eventsSinceConnect watch events (pushes of this resource from the DynamicController) received on the
 *                           current session, repeats of an already applied message not counted
 * @param eventsTotal        the same, since the bridge started
 * @since 1.3
 */
public record WatchedResource(String resource, WatchState state, String reason, Instant retryAt, Instant lastList,
                              long listedObjects, long deletedByList, String listProblem, long eventsSinceConnect,
                              long eventsTotal) {

    public WatchedResource {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
        listProblem = listProblem == null ? "" : listProblem;
    }
}
