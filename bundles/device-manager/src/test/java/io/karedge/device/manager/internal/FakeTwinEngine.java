package io.karedge.device.manager.internal;

import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every request and accepts it. */
final class FakeTwinEngine implements TwinEngine {

    final List<TwinRequest> requests = new CopyOnWriteArrayList<>();

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
        return Optional.empty();
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
