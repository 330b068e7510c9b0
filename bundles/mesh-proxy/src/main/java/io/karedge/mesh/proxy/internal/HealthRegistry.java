package io.karedge.mesh.proxy.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link EndpointHealth} of every endpoint, by {@link Target#id()}. */
final class HealthRegistry {

    private final long baseMillis;
    private final long maxMillis;
    private final Map<String, EndpointHealth> health = new ConcurrentHashMap<>();
    private final Routing routing;

    HealthRegistry(long baseMillis, long maxMillis) {
        this(baseMillis, maxMillis, Routing.DIRECT);
    }

    HealthRegistry(long baseMillis, long maxMillis, Routing routing) {
        this.baseMillis = baseMillis;
        this.maxMillis = maxMillis;
        this.routing = routing;
    }

    /** @return how endpoints on other nodes are reached, shared by every pool */
    Routing routing() {
        return routing;
    }

    EndpointHealth of(Target target) {
        return health.computeIfAbsent(target.id(), id -> new EndpointHealth(baseMillis, maxMillis));
    }

    /** Forgets endpoints no listener uses any more and that have no open connection. */
    void retain(Set<String> inUse) {
        health.entrySet().removeIf(entry -> !inUse.contains(entry.getKey())
                && entry.getValue().openConnections() == 0);
    }

    Collection<String> ids() {
        return health.keySet();
    }
}
