package io.karedge.eventbus.internal;

/** Where the bus's own messages (results, documents, deltas, error results) go out. */
@FunctionalInterface
public interface BusPublisher {

    /**
     * Publishes one message, retain false, never blocking. A failure is counted and logged by the
     * implementation, never thrown.
     */
    void publish(String topic, byte[] payload);

    /**
     * @return false only if a message on {@code topic} would reach nobody now, so the caller may skip
     *         writing it; true when unknown (an external broker has subscribers the bus cannot see)
     */
    default boolean wanted(String topic) {
        return true;
    }
}
