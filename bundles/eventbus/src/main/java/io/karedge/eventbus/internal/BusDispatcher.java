package io.karedge.eventbus.internal;

import com.fasterxml.jackson.databind.node.TextNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinPublication;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between MQTT and the twin engine: turns received messages into {@link TwinRequest}s or Uplink
 * entries, publishes each request's result, and publishes the engine's change notifications.
 *
 * <p>The stage returned for a message completes when the message may be acknowledged: for twin
 * requests after the engine's stage completed (the change is on disk) and the result was handed to the
 * publisher; for uploads after the Uplink entry is on disk; for everything else at once. It completes
 * exceptionally when the engine or the Uplink failed: the message was not taken over and must not be
 * acknowledged.
 */
public final class BusDispatcher implements PublishHook {

    private static final Logger LOG = LoggerFactory.getLogger(BusDispatcher.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final TwinEngine engine;
    private final TopicParser parser;
    private final boolean legacyTopics;
    private final Supplier<Uplink> uplink;
    private final Executor uplinkExecutor;
    private final BusMetrics metrics;
    private final LongSupplier clock;
    private final WarnLimiter rejectWarnings = new WarnLimiter(20);
    private final WarnLimiter failureWarnings = new WarnLimiter(5);
    private volatile BusPublisher publisher = (topic, payload) -> { };

    public BusDispatcher(TwinEngine engine, boolean legacyTopics, Supplier<Uplink> uplink, Executor uplinkExecutor,
                         BusMetrics metrics) {
        this(engine, legacyTopics, uplink, uplinkExecutor, metrics, System::currentTimeMillis);
    }

    BusDispatcher(TwinEngine engine, boolean legacyTopics, Supplier<Uplink> uplink, Executor uplinkExecutor,
                  BusMetrics metrics, LongSupplier clock) {
        this.engine = engine;
        this.parser = new TopicParser(legacyTopics);
        this.legacyTopics = legacyTopics;
        this.uplink = uplink;
        this.uplinkExecutor = uplinkExecutor;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Sets where results and notifications go; called once, before messages arrive. */
    public void publishTo(BusPublisher target) {
        this.publisher = target;
    }

    @Override
    public CompletionStage<Void> published(String topic, byte[] payload) {
        BusTopic parsed = parser.parse(topic);
        if (parsed instanceof BusTopic.Twin twin) {
            return twin(twin, payload);
        }
        if (parsed instanceof BusTopic.Rejected rejected) {
            reject(topic, rejected, payload);
            return DONE;
        }
        if (parsed instanceof BusTopic.Upload) {
            return upload(topic, payload);
        }
        return DONE;
    }

    /** Publishes a committed change's notifications, each also in the legacy form where one applies. */
    public void twinChanged(TwinChange change) {
        BusPublisher target = publisher;
        for (TwinPublication publication : change.publications()) {
            String topic = publication.topic();
            String legacy = legacyTopics ? TopicParser.legacyForm(topic) : null;
            boolean current = target.wanted(topic);
            boolean old = legacy != null && target.wanted(legacy);
            if (!current && !old) {
                continue; // nobody would receive it: not even written as JSON
            }
            byte[] bytes = BusPayloads.bytes(publication.payload());
            if (current) {
                publishSafely(target, topic, bytes);
            }
            if (old) {
                publishSafely(target, legacy, bytes);
            }
        }
    }

    private CompletionStage<Void> twin(BusTopic.Twin twin, byte[] payload) {
        CompletionStage<TwinReply> reply;
        try {
            reply = engine.handle(TwinRequest.ofPayload(twin.operation(), twin.target(), payload, TwinOrigin.MQTT));
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((answer, failure) -> {
            if (failure != null) {
                metrics.error();
                warnFailure("Twin engine failed on " + twin.operation().suffix() + " of " + twin.target()
                        + ", not acknowledged", failure);
                throw new EngineFailedException(failure);
            }
            BusPublisher target = publisher;
            if (twin.replyTopic() != null && answer != null && answer.result() != null
                    && target.wanted(twin.replyTopic())) {
                publishSafely(target, twin.replyTopic(), BusPayloads.bytes(answer.result()));
            } else if (twin.replyTopic() != null && answer != null && answer.code() >= 400 && answer.code() < 500
                    && target.wanted(twin.replyTopic())) {
                // a refusal of an operation without a result document (twin/cloud_updated): said on its
                // result topic, as MQTT 3.1.1 has no negative PUBACK
                publishSafely(target, twin.replyTopic(), BusPayloads.error(payload, answer.code(), answer.reason(),
                        clock.getAsLong()));
            }
            if (answer != null && answer.code() >= 500) {
                // the engine answered, but nothing of the request was stored (store refused the write,
                // engine stopping, internal error): the message must not be acknowledged
                metrics.error();
                NotStoredException notStored = new NotStoredException(answer.code(), answer.reason());
                warnFailure("Twin " + twin.operation().suffix() + " of " + twin.target() + " was not stored,"
                        + " not acknowledged", notStored);
                throw notStored;
            }
            return null;
        });
    }

    private void reject(String topic, BusTopic.Rejected rejected, byte[] payload) {
        metrics.rejected();
        long suppressed = rejectWarnings.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn("Rejected MQTT message on '{}': {}{}{}", BusPayloads.forLog(topic), rejected.reason(),
                    rejected.replyTopic() == null ? " (no result published)" : "",
                    suppressed > 0 ? " (" + suppressed + " similar warnings suppressed)" : "");
        }
        if (rejected.replyTopic() != null) {
            publishSafely(rejected.replyTopic(), BusPayloads.error(payload, 400, rejected.reason(), clock.getAsLong()));
        }
    }

    private CompletionStage<Void> upload(String topic, byte[] payload) {
        Uplink target = uplink.get();
        if (target == null) {
            LOG.debug("No Uplink service: message on {} not forwarded to the cloud", topic);
            return DONE;
        }
        CompletableFuture<Void> queued = new CompletableFuture<>();
        UplinkMessage message = new UplinkMessage("bus", "user", "upload", topic,
                TextNode.valueOf(BusPayloads.text(payload)), null);
        try {
            uplinkExecutor.execute(() -> {
                try {
                    target.enqueue(message);
                    queued.complete(null);
                } catch (RuntimeException e) {
                    queued.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.completeExceptionally(e);
        }
        return queued.whenComplete((done, failure) -> {
            if (failure != null) {
                metrics.error();
                warnFailure("Uplink enqueue failed for " + BusPayloads.forLog(topic) + ", not acknowledged", failure);
            }
        });
    }

    private void publishSafely(String topic, byte[] payload) {
        publishSafely(publisher, topic, payload);
    }

    private void publishSafely(BusPublisher target, String topic, byte[] payload) {
        try {
            target.publish(topic, payload);
        } catch (RuntimeException e) {
            metrics.error();
            warnFailure("Could not publish on " + BusPayloads.forLog(topic), e);
        }
    }

    private void warnFailure(String message, Throwable failure) {
        long suppressed = failureWarnings.tryAcquire();
        if (suppressed >= 0) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            LOG.warn("{}: {}{}", message, cause,
                    suppressed > 0 ? " (" + suppressed + " similar warnings suppressed)" : "");
        }
    }

    /** The engine answered with a 5xx code: nothing of the request was stored, so it was not taken over. */
    static final class NotStoredException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotStoredException(int code, String reason) {
            super("the twin engine answered " + code + " (" + reason + "); nothing was stored", null, false, false);
        }
    }

    /** The engine's stage failed: the message was not taken over. */
    static final class EngineFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EngineFailedException(Throwable cause) {
            super(cause);
        }
    }
}
