package io.karedge.cloud.bridge.internal;

import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.UplinkDelivery;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The bridge's state and counters, written by the link and read by anyone. */
final class LinkStatusHolder implements CloudLinkStatus {

    final AtomicLong messagesIn = new AtomicLong();
    final AtomicLong messagesOut = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong deadLetters = new AtomicLong();
    final AtomicLong malformedIn = new AtomicLong();
    final AtomicLong duplicatesIn = new AtomicLong();
    final AtomicLong staleIn = new AtomicLong();
    final AtomicLong unansweredOut = new AtomicLong();
    final AtomicLong reportsNotSent = new AtomicLong();
    final LongAdder uplinkSent = new LongAdder();
    final LongAdder uplinkAcked = new LongAdder();
    /** Devices whose reports are held back, with why (at most {@link CloudLinkSnapshot#MAX_DEVICES_LISTED}). */
    final Map<String, String> devicesNotReported = new ConcurrentSkipListMap<>();
    /** The cloud watch feed per resource of {@code watch.resources}. */
    final CloudWatchStatus watch;

    private final Clock clock;
    private final String server;
    private final String node;
    private final LongSupplier uplinkDepth;

    private volatile State state;
    private volatile Instant certificateExpiry;
    private volatile Instant certificateRenewal;
    private volatile Instant lastKeepalive;

    private record State(LinkState state, String reason, Instant since) {
    }

    LinkStatusHolder(Clock clock, String server, String node, LongSupplier uplinkDepth) {
        this(clock, server, node, uplinkDepth, List.of());
    }

    /** @param watchResources the resources of {@code watch.resources}, in order */
    LinkStatusHolder(Clock clock, String server, String node, LongSupplier uplinkDepth, List<String> watchResources) {
        this.clock = clock;
        this.watch = new CloudWatchStatus(clock, watchResources);
        this.server = server;
        this.node = node;
        this.uplinkDepth = uplinkDepth;
        this.state = new State(LinkState.DISABLED, "", clock.instant());
    }

    void set(LinkState newState, String reason) {
        State current = state;
        if (current.state() != newState || !current.reason().equals(reason)) {
            state = new State(newState, reason == null ? "" : reason,
                    current.state() == newState ? current.since() : clock.instant());
        }
    }

    LinkState state() {
        return state.state();
    }

    String reason() {
        return state.reason();
    }

    void certificate(Instant expiry, Instant renewal) {
        certificateExpiry = expiry;
        certificateRenewal = renewal;
    }

    void keepaliveSent() {
        lastKeepalive = clock.instant();
    }

    @Override
    public UplinkDelivery uplinkDelivery() {
        return new UplinkDelivery(uplinkSent.sum(), uplinkAcked.sum(), deadLetters.get(), unansweredOut.get());
    }

    @Override
    public CloudLinkSnapshot snapshot() {
        State current = state;
        long depth;
        try {
            depth = uplinkDepth.getAsLong();
        } catch (RuntimeException e) {
            depth = -1;
        }
        return new CloudLinkSnapshot(current.state(), current.reason(), current.since(), server, node,
                certificateExpiry, certificateRenewal, lastKeepalive, depth, messagesIn.get(), messagesOut.get(),
                reconnects.get(), deadLetters.get(), reportsNotSent.get(), Map.copyOf(devicesNotReported), watch.snapshot());
    }
}
