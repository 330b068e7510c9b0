package io.karedge.cloud.bridge.internal;

import java.util.concurrent.CompletableFuture;

/** The open link as the routing and draining code sees it: validated writes, counted. */
final class Session {

    private final CloudConnection connection;
    private final OutboundValidator validator;
    private final LinkStatusHolder status;
    private final long number;

    Session(CloudConnection connection, OutboundValidator validator, LinkStatusHolder status, long number) {
        this.connection = connection;
        this.validator = validator;
        this.status = status;
        this.number = number;
    }

    /**
     * Validates and writes a message.
     *
     * @return completes when the frame is flushed to the socket
     * @throws OutboundValidator.InvalidMessageException if the message must not be sent
     */
    CompletableFuture<Void> send(Message message) {
        byte[] frame = validator.encode(message);
        status.messagesOut.incrementAndGet();
        return connection.send(frame);
    }

    /** Writes the acknowledgement of a received message. */
    void ack(Message received) {
        send(received.ack());
    }

    void ping() {
        connection.ping();
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    boolean isWritable() {
        return connection.isWritable();
    }

    void close(String reason) {
        connection.close(reason);
    }

    /** @return 1 for the first connection of this bridge instance, 2 for the next ... */
    long number() {
        return number;
    }
}
