package io.karedge.eventbus.internal;

import java.util.concurrent.CompletionStage;

/**
 * Told of every message a client publishes (embedded mode) or the bus receives (external mode), on an
 * I/O thread: it must not block.
 */
@FunctionalInterface
public interface PublishHook {

    /**
     * @return a stage that completes normally when the message may be acknowledged (PUBACK), or
     *         exceptionally when it must not be: then the sender has to deliver it again
     */
    CompletionStage<Void> published(String topic, byte[] payload);
}
