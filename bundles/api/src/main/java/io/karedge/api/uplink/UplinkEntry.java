package io.karedge.api.uplink;

import java.time.Instant;
import java.util.Objects;

/**
 * A queued message with its position in the outbox.
 *
 * @param sequence   strictly increasing; the delivery order
 * @param message    the message
 * @param enqueuedAt when it was (last) enqueued
 * @param coalesced  how many earlier entries this one replaced
 */
public record UplinkEntry(long sequence, UplinkMessage message, Instant enqueuedAt, int coalesced) {

    public UplinkEntry {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    }
}
