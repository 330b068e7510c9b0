package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import io.karedge.api.twin.TwinReply;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** One queued unit of work for a device: a request, an edge write, or a membership change. */
abstract class Job {

    final String deviceId;
    final TwinOrigin origin;
    final CompletableFuture<TwinReply> future = new CompletableFuture<>();
    /** when the job reached the engine ({@link System#nanoTime()}), for the write-duration histogram */
    final long startNanos = System.nanoTime();

    Job(String deviceId, TwinOrigin origin) {
        this.deviceId = deviceId;
        this.origin = origin;
    }

    /** Parses and checks the input once; called on a worker thread before {@link #apply}. */
    void prepare(EngineContext context) {
    }

    /** @return properties this job writes only at a given store version (it starts a new batch if one is dirty) */
    Set<String> conditions() {
        return Set.of();
    }

    /** @return whether the job is an update request, counted in the engine's statistics by its result */
    boolean counted() {
        return false;
    }

    /** @return whether the job must be committed on its own (membership removal) */
    boolean alone() {
        return false;
    }

    /** Applies the job to the device; throws {@link Rejection} to refuse it without a trace. */
    abstract Outcome apply(Working.Tx tx, EngineContext context) throws Rejection;

    /** @return the error result document for a refusal, or null if the operation has no result */
    JsonNode errorResult(int code, String reason, long timestamp) {
        return Messages.error(eventId(), timestamp, code, reason);
    }

    /** @return the request's event id for results, or {@code ""} */
    String eventId() {
        return "";
    }

    /** @return what the job is, for log lines ({@code twin/update}, {@code setDesired} ...) */
    abstract String describe();

    /** Adds document and delta publications for the twins this request changed. */
    static void publishTwinChanges(Outcome outcome, Working.Tx tx, String eventId, EngineContext context,
                                   long timestamp) {
        Map<String, Messages.DocumentEntry> entries = tx.documentEntries();
        if (!entries.isEmpty()) {
            outcome.publications.add(new TwinPublication(Topics.document(tx.deviceId()),
                    Messages.document(eventId, timestamp, entries)));
        }
        JsonNode delta = Messages.delta(timestamp, tx.all());
        if (delta != null) {
            outcome.publications.add(new TwinPublication(Topics.delta(tx.deviceId()), delta));
        }
        outcome.changed.putAll(tx.changed());
    }

    /**
     * Refuses a request that leaves the device with more live twins than {@code properties.max} when it
     * added some; a request that only changes or deletes twins passes even on a device above the limit.
     */
    static void checkPropertyCount(Working.Tx tx, EngineContext context) throws Rejection {
        int max = context.settings().propertiesMax();
        if (tx.added() > 0 && tx.liveTwins() > max) {
            throw Rejection.badRequest("device " + Logs.clip(tx.deviceId()) + " would have " + tx.liveTwins()
                    + " twin properties; at most " + max + " are allowed (properties.max of io.karedge.twin)");
        }
    }

    static Rejection notFound(String deviceId, String doing) {
        return new Rejection(404, "Device " + deviceId + " not found while " + doing);
    }
}
