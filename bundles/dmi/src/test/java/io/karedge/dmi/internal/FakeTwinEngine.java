package io.karedge.dmi.internal;

import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every request; answers 200 unless a code was set for the target device. */
final class FakeTwinEngine implements TwinEngine {

    final List<TwinRequest> requests = new CopyOnWriteArrayList<>();
    final Map<String, TwinReply> replies = new ConcurrentHashMap<>();
    /** when set, requests are never answered */
    volatile boolean hang;
    /** device id to property to the twin's expected value */
    final Map<String, Map<String, String>> expected = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<TwinReply> handle(TwinRequest request) {
        requests.add(request);
        if (hang) {
            return new CompletableFuture<>();
        }
        return CompletableFuture.completedFuture(replies.getOrDefault(request.target(),
                new TwinReply(200, null, null, 0)));
    }

    @Override
    public CompletionStage<TwinReply> setDesired(String deviceId, String property, String value,
                                                 long expectedVersion, TwinOrigin origin) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<DeviceTwin> device(String deviceId) {
        Map<String, String> values = expected.get(deviceId);
        if (values == null) {
            return Optional.empty();
        }
        Map<String, io.karedge.api.twin.TwinRecord> twins = new java.util.HashMap<>();
        values.forEach((property, value) -> {
            var twin = io.karedge.api.json.KaredgeJson.mapper().createObjectNode();
            twin.putObject("expected").put("value", value);
            twins.put(property, new io.karedge.api.twin.TwinRecord(deviceId, property, 1, twin,
                    java.time.Instant.now()));
        });
        return Optional.of(new DeviceTwin(deviceId, "", null, twins));
    }

    @Override
    public Set<String> members() {
        return Set.of();
    }
}
