package io.karedge.pod.manager.internal;

import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** An uplink that keeps every enqueued message, in order. */
public final class RecordingUplink implements Uplink {

    public final List<UplinkMessage> messages = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();

    @Override
    public UplinkEntry enqueue(UplinkMessage message) {
        messages.add(message);
        return new UplinkEntry(sequence.incrementAndGet(), message, Instant.now(), 0);
    }

    @Override
    public List<UplinkEntry> pending(long afterSequence, int max) {
        return List.of();
    }

    @Override
    public void acknowledge(long sequence) {
    }

    @Override
    public long depth() {
        return messages.size();
    }

    @Override
    public AutoCloseable onEnqueue(Runnable callback) {
        return () -> { };
    }

    public List<UplinkMessage> about(String resource) {
        return messages.stream().filter(m -> m.resource().equals(resource)).toList();
    }
}
