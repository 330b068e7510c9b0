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
 *                           or the failure) or {@link WatchState#DISCONNECTED} (why the link went down), else
 *                           {@code ""}
 * @param retryAt            when the watch sync is sent again while refused or retrying, else {@code null}
 * @param lastList           when the last list answer replaced the stored objects of this resource, or {@code null}
 *                           if none did since the bridge started
 * @param listedObjects      how many objects that list named
 * @param deletedByList      how many objects that list deleted on the node because the cloud no longer has them
 * @param listProblem        why the last list attempt of the current session failed (it is tried again), else
 *                           {@code ""}
 * @param listRetryAt        when the list that failed ({@code listProblem}) is tried again, else {@code null}; since
 *                           1.4
 * @param eventsSinceConnect watch events (pushes of this resource from the DynamicController) received on the
 *                           current session (while the link is down: on the last one), repeats of an already
 *                           applied message not counted
 * @param eventsTotal        the same, since the bridge started
 * @since 1.3
 */
public record WatchedResource(String resource, WatchState state, String reason, Instant retryAt, Instant lastList,
                              long listedObjects, long deletedByList, String listProblem, Instant listRetryAt,
                              long eventsSinceConnect, long eventsTotal) {

    public WatchedResource {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
        listProblem = listProblem == null ? "" : listProblem;
    }

    /** Without the list's retry time (the form of version 1.3). */
    public WatchedResource(String resource, WatchState state, String reason, Instant retryAt, Instant lastList,
                           long listedObjects, long deletedByList, String listProblem, long eventsSinceConnect,
                           long eventsTotal) {
        this(resource, state, reason, retryAt, lastList, listedObjects, deletedByList, listProblem, null,
                eventsSinceConnect, eventsTotal);
    }
}
