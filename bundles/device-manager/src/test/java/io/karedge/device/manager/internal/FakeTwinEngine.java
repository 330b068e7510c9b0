package io.karedge.device.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every request and accepts it; every device is a member; holds the expected values a test gives it. */
final class FakeTwinEngine implements TwinEngine {

    final List<TwinRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, TwinRecord>> expected = new ConcurrentHashMap<>();

    /** The twin of {@code deviceId} holds {@code value} as the expected value of {@code property}. */
    void expect(String deviceId, String property, String value) {
        ObjectNode twin = KaredgeJson.mapper().createObjectNode();
        twin.putObject("expected").put("value", value);
        expected.computeIfAbsent(deviceId, id -> new ConcurrentHashMap<>())
                .put(property, new TwinRecord(deviceId, property, 1, twin, Instant.now()));
    }

    @Override
    public CompletionStage<TwinReply> handle(TwinRequest request) {
        requests.add(request);
        return CompletableFuture.completedFuture(new TwinReply(200, null, null, 0));
    }

    @Override
    public CompletionStage<TwinReply> setDesired(String deviceId, String property, String value, long expectedVersion,
                                                 TwinOrigin origin) {
        return CompletableFuture.completedFuture(new TwinReply(200, null, null, 1));
    }

    @Override
    public Optional<DeviceTwin> device(String deviceId) {
        Map<String, TwinRecord> twins = expected.get(deviceId);
        return Optional.of(new DeviceTwin(deviceId, "", null, twins == null ? Map.of() : Map.copyOf(twins)));
    }

    @Override
    public Set<String> members() {
        return Set.of();
    }

    List<TwinRequest> of(String deviceId, TwinOperation operation) {
        return requests.stream().filter(r -> r.target().equals(deviceId) && r.operation() == operation).toList();
    }

    /** @return the actual values reported for one property, in order */
    List<String> values(String deviceId, String property) {
        return of(deviceId, TwinOperation.TWIN_UPDATE).stream()
                .map(r -> r.json().path("twin").path(property))
                .filter(n -> !n.isMissingNode())
                .map(n -> n.path("actual").path("value").asText())
                .toList();
    }

    List<String> states(String deviceId) {
        return of(deviceId, TwinOperation.STATE_UPDATE).stream().map(r -> r.json().path("state").asText()).toList();
    }
}
