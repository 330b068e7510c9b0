package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Requests answered by the cloud, matched by {@code parent_msg_id}: a {@code query} for a ConfigMap or a
 * Secret (CloudCore pushes later changes of those, but not their first content), or any other request
 * whose answer someone waits for. Object answers are stored in the MetaStore and then acknowledged, as
 * CloudHub keeps them on its ACK queue.
 */
final class RemoteQueries {

    /** The cloud answered with an error ({@code ErrStatus} or {@code ObjectResp.Err}). */
    static final class CloudErrorException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String reason;

        CloudErrorException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** No link to the cloud: the caller serves from the local store. */
    static final class NotConnectedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NotConnectedException() {
            super("not connected to CloudHub");
        }
    }

    private final Map<String, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
    private final Supplier<Session> session;
    private final ScheduledExecutorService scheduler;
    private final Downstream downstream;
    private final Duration defaultTimeout;

    RemoteQueries(Supplier<Session> session, ScheduledExecutorService scheduler, Downstream downstream,
                  Duration defaultTimeout) {
        this.session = session;
        this.scheduler = scheduler;
        this.downstream = downstream;
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * Sends a request and waits (asynchronously) for the message that answers it.
     *
     * @return completes with the answer, or exceptionally with {@link TimeoutException} or
     *         {@link NotConnectedException}
     */
    CompletableFuture<Message> request(Message request, Duration timeout) {
        Session current = session.get();
        if (current == null || !current.isOpen()) {
            return CompletableFuture.failedFuture(new NotConnectedException());
        }
        CompletableFuture<Message> answer = new CompletableFuture<>();
        pending.put(request.id(), answer);
        answer.whenComplete((message, failure) -> pending.remove(request.id()));
        scheduler.schedule(() -> answer.completeExceptionally(new TimeoutException("no answer to " + request
                + " within " + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            current.send(request).whenComplete((written, failure) -> {
                if (failure != null) {
                    answer.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /**
     * Fetches a ConfigMap or Secret from the cloud ({@code query <ns>/configmap/<name>}) and stores it.
     *
     * @return the object, or empty if the cloud says it does not exist
     */
    CompletableFuture<Optional<ObjectNode>> fetch(String kind, String namespace, String name) {
        if (!Kinds.CONFIG_MAP.equals(kind) && !Kinds.SECRET.equals(kind)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("only ConfigMaps and Secrets are"
                    + " fetched from the cloud, not " + kind));
        }
        String resource = namespace + "/" + kind.toLowerCase(java.util.Locale.ROOT) + "/" + name;
        Message query = Message.request(Routes.SOURCE_EDGED, Routes.GROUP_META, Routes.QUERY, resource,
                NullNode.getInstance());
        return request(query, defaultTimeout).thenApply(answer -> {
            JsonNode content = answer.content();
            if (ContentDecoder.isError(content)) {
                String reason = ContentDecoder.errorReason(content);
                if ("NotFound".equals(reason)) {
                    return Optional.<ObjectNode>empty();
                }
                throw new CloudErrorException(reason, "the cloud refused " + resource + ": "
                        + content.path("ErrStatus").path("message").asText(reason));
            }
            Optional<ObjectNode> object = ContentDecoder.object(content);
            if (object.isEmpty()) {
                throw new CloudErrorException("", "the cloud answered " + resource + " with no object");
            }
            return object;
        });
    }

    /**
     * Completes the waiting request, if any. Called on the inbound thread; an object answer to a ConfigMap or
     * Secret query is stored before the future completes (and before the caller acknowledges it).
     *
     * @return whether a request was waiting for this answer
     */
    boolean complete(Message answer) {
        CompletableFuture<Message> waiting = pending.get(answer.parentId());
        if (waiting == null) {
            return false;
        }
        if (Routes.RESPONSE.equals(answer.operation()) && !ContentDecoder.isError(answer.content())) {
            String[] path = answer.resource().split("/", -1);
            if (path.length == 3 && ("configmap".equals(path[1]) || "secret".equals(path[1]))) {
                ContentDecoder.object(answer.content()).ifPresent(object -> downstream.put(
                        ObjectKey.of(Downstream.KINDS.get(path[1]), path[0], path[2]), object,
                        answer.resourceVersion(), answer));
            }
        }
        waiting.complete(answer);
        return true;
    }

    /** Fails every waiting request (link lost). */
    void failAll() {
        pending.values().forEach(future -> future.completeExceptionally(new NotConnectedException()));
    }

    int waiting() {
        return pending.size();
    }
}
