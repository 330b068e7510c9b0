package io.karedge.eventbus.internal;

/** Where the bus's own messages (results, documents, deltas, error results) go out. */
@FunctionalInterface
public interface BusPublisher {

    /**
     * Publishes one message, retain false, never blocking. A failure is counted and logged by the
     * implementation, never thrown.
     */
    void publish(String topic, byte[] payload);
}
