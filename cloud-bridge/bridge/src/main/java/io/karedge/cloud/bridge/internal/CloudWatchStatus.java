package io.karedge.cloud.bridge.internal;

import io.karedge.cloud.bridge.WatchState;
import io.karedge.cloud.bridge.WatchedResource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the cloud watch feed did, per watched resource, for {@code edge:cloud}, {@code GET /api/v1/cloud} and
 * the metrics: written by {@link CloudWatchFeed} (watch and list answers) and {@link Downstream} (watch events),
 * read as {@link WatchedResource}s. Every method is short and synchronized; reads never wait on the link.
 */
final class CloudWatchStatus {

    private final Clock clock;
    /** By resource name, in the configured order. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Resource name by stored kind, to count watch events. */
    private final Map<String, String> resourceByKind = new LinkedHashMap<>();
    /**
     * Whether a session is up: an answer that comes in after the link went down (its request failed with the
     * session) changes no watch state.
     */
    private boolean linkUp;

    private static final class Entry {
        WatchState state = WatchState.NOT_ASKED;
        String reason = "";
        Instant retryAt;
        Instant lastList;
        long listedObjects;
        long deletedByList;
        String listProblem = "";
        Instant listRetryAt;
        long eventsSinceConnect;
        long eventsTotal;
    }

    CloudWatchStatus(Clock clock, List<String> resources) {
        this.clock = clock;
        for (String resource : resources) {
            entries.put(resource, new Entry());
            String kind = CloudWatchFeed.RESOURCES.get(resource);
            if (kind != null) {
                resourceByKind.put(kind, resource);
            }
        }
    }

    /** A session started and the watch sync goes out: every watch is asked for, the event counts start over. */
    synchronized void asked() {
        linkUp = true;
        for (Entry entry : entries.values()) {
            entry.state = WatchState.ASKED;
            entry.reason = "";
            entry.retryAt = null;
            entry.listProblem = "";
            entry.listRetryAt = null;
            entry.eventsSinceConnect = 0;
        }
    }

    /**
     * The link went down: no watch is in force for the node any more, whatever it was; the last list's counts and
     * the events stay until the next session asks again. Watches never asked (no session yet) stay not asked.
     */
    synchronized void disconnected(String reason) {
        linkUp = false;
        for (Entry entry : entries.values()) {
            if (entry.state == WatchState.NOT_ASKED) {
                continue;
            }
            entry.state = WatchState.DISCONNECTED;
            entry.reason = reason == null ? "" : reason;
            entry.retryAt = null;
            entry.listProblem = "";
            entry.listRetryAt = null;
        }
    }

    /** CloudCore answered the sync and added every watch it was asked for except those in {@code refused}. */
    synchronized void answered(Map<String, String> refused, long retryMillis) {
        if (!linkUp) {
            return;
        }
        Instant retryAt = refused.isEmpty() ? null : clock.instant().plusMillis(retryMillis);
        entries.forEach((resource, entry) -> {
            String reason = refused.get(resource);
            entry.state = reason == null ? WatchState.ACCEPTED : WatchState.REFUSED;
            entry.reason = reason == null ? "" : reason;
            entry.retryAt = reason == null ? null : retryAt;
        });
    }

    /** The sync got no usable answer: every watch not yet accepted is asked again after {@code retryMillis}. */
    synchronized void syncFailed(String problem, long retryMillis) {
        if (!linkUp) {
            return;
        }
        Instant retryAt = clock.instant().plusMillis(retryMillis);
        for (Entry entry : entries.values()) {
            if (entry.state != WatchState.ACCEPTED) {
                entry.state = WatchState.RETRYING;
                entry.reason = problem;
                entry.retryAt = retryAt;
            }
        }
    }

    synchronized void listed(String resource, int objects, int deleted) {
        Entry entry = entries.get(resource);
        if (entry != null) {
            entry.lastList = clock.instant();
            entry.listedObjects = objects;
            entry.deletedByList = deleted;
            entry.listProblem = "";
            entry.listRetryAt = null;
        }
    }

    /** A list of the current session failed and is tried again after {@code retryMillis}. */
    synchronized void listFailed(String resource, String problem, long retryMillis) {
        Entry entry = entries.get(resource);
        if (entry != null && linkUp) {
            entry.listProblem = problem;
            entry.listRetryAt = clock.instant().plusMillis(retryMillis);
        }
    }

    /** A watch event (a DynamicController push) of an object of {@code kind} was applied. */
    synchronized void event(String kind) {
        String resource = resourceByKind.get(kind);
        if (resource != null) {
            Entry entry = entries.get(resource);
            entry.eventsSinceConnect++;
            entry.eventsTotal++;
        }
    }

    synchronized List<WatchedResource> snapshot() {
        List<WatchedResource> out = new ArrayList<>(entries.size());
        entries.forEach((resource, e) -> out.add(new WatchedResource(resource, e.state, e.reason, e.retryAt,
                e.lastList, e.listedObjects, e.deletedByList, e.listProblem, e.listRetryAt, e.eventsSinceConnect,
                e.eventsTotal)));
        return out;
    }
}
