package io.karedge.eventbus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A twin engine for tests: answers at once (or holds the stage when {@link #hold} is set), echoes the
 * request's {@code event_id}, and answers a payload that is not a JSON object with a 400.
 */
final class FakeTwinEngine implements TwinEngine {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A request whose stage the test completes. */
    record Held(TwinRequest request, CompletableFuture<TwinReply> stage) {
        void complete() {
            stage.complete(answer(request));
        }
    }

    final List<TwinRequest> requests = new CopyOnWriteArrayList<>();
    final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    /** event ids of the requests answered 200, i.e. "stored" */
    final List<String> stored = new CopyOnWriteArrayList<>();
    volatile boolean hold;
    /** while set, requests are answered 500 as the engine does when its store refuses a write */
    volatile boolean storeFails;

    @Override
    public CompletionStage<TwinReply> handle(TwinRequest request) {
        requests.add(request);
        CompletableFuture<TwinReply> stage = new CompletableFuture<>();
        if (hold) {
            held.add(new Held(request, stage));
        } else if (storeFails) {
            stage.complete(storeFailure());
        } else {
            TwinReply reply = answer(request);
            if (reply.ok() && reply.result() != null) {
                stored.add(reply.result().path("event_id").asText());
            }
            stage.complete(reply);
        }
        return stage;
    }

    Held nextHeld() throws InterruptedException {
        Held next = held.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no request reached the engine");
        }
        return next;
    }

    static TwinReply answer(TwinRequest request) {
        TwinReply reply = documentAnswer(request);
        // as the engine: twin/cloud_updated has no result document, in success or refusal
        return request.operation() == io.karedge.api.twin.TwinOperation.TWIN_CLOUD_UPDATED
                ? new TwinReply(reply.code(), reply.reason(), null, 0) : reply;
    }

    private static TwinReply documentAnswer(TwinRequest request) {
        ObjectNode result = MAPPER.createObjectNode();
        JsonNode body;
        try {
            body = MAPPER.readTree(request.payload());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            result.put("event_id", "");
            result.put("timestamp", 1L);
            result.put("code", 400);
            result.put("reason", "payload is not a JSON object");
            return new TwinReply(400, "payload is not a JSON object", result, 0);
        }
        result.put("event_id", body.path("event_id").asText(""));
        result.put("timestamp", 1L);
        result.put("target", request.target());
        result.putObject("twin");
        return new TwinReply(200, null, result, 0);
    }

    static TwinReply storeFailure() {
        ObjectNode result = MAPPER.createObjectNode();
        result.put("event_id", "");
        result.put("timestamp", 1L);
        result.put("code", 500);
        result.put("reason", "the twin store failed: disk full");
        return new TwinReply(500, "the twin store failed: disk full", result, 0);
    }

    @Override
    public CompletionStage<TwinReply> setDesired(String deviceId, String property, String value, long expectedVersion,
                                                 TwinOrigin origin) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<DeviceTwin> device(String deviceId) {
        return Optional.empty();
    }

    @Override
    public Set<String> members() {
        return Set.of();
    }
}
