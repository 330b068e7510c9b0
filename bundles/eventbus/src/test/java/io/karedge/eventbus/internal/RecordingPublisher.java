package io.karedge.eventbus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the dispatcher publishes. */
final class RecordingPublisher implements BusPublisher {

    record Sent(String topic, byte[] payload) {
        JsonNode json() {
            try {
                return FakeTwinEngine.MAPPER.readTree(payload);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public void publish(String topic, byte[] payload) {
        sent.add(new Sent(topic, payload));
    }

    List<String> topics() {
        return sent.stream().map(Sent::topic).toList();
    }
}
