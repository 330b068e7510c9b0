package io.karedge.device.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRequest;
import io.karedge.device.driver.PropertyValue;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns readings and states into twin-engine requests ({@code twin/update} and {@code state/update}, origin
 * DRIVER). Never blocks: the engine answers asynchronously, failures are logged. With no engine bound,
 * reports are dropped (the latest values stay visible in the manager's status).
 */
final class TwinReporter {

    private static final Logger LOG = LoggerFactory.getLogger(TwinReporter.class);

    private final Supplier<TwinEngine> engine;
    private final Clock clock;
    private final long waitUntil;

    TwinReporter(Supplier<TwinEngine> engine, Clock clock) {
        this(engine, clock, 0);
    }

    /** @param waitMillis how long after now desired values wait for an engine before the spec's are used */
    TwinReporter(Supplier<TwinEngine> engine, Clock clock, long waitMillis) {
        this.engine = engine;
        this.clock = clock;
        this.waitUntil = clock.millis() + waitMillis;
    }

    /** @return whether no engine is bound yet but one is still waited for (the node is starting) */
    boolean awaitingEngine() {
        return engine.get() == null && clock.millis() < waitUntil;
    }

    /** Reports values as the twins' actual values; returns whether an engine took the request. */
    boolean reportValues(String deviceId, List<PropertyValue> values) {
        if (values.isEmpty()) {
            return false;
        }
        ObjectNode payload = envelope();
        ObjectNode twin = payload.putObject("twin");
        for (PropertyValue value : values) {
            ObjectNode property = twin.putObject(value.property());
            property.putObject("actual").put("value", value.value());
            property.putObject("metadata").put("type", value.type() == null ? "string" : value.type());
        }
        return send(TwinRequest.ofJson(TwinOperation.TWIN_UPDATE, deviceId, payload, TwinOrigin.DRIVER));
    }

    /** Reports the device's KubeEdge state string ({@code online}, {@code offline}, ...). */
    boolean reportState(String deviceId, String state) {
        TwinEngine current = engine.get();
        if (current != null && current.device(deviceId).isEmpty()) {
            // not (or no longer) a member of the twin: a device being removed, whose model went first
            LOG.debug("State {} of {} not reported: the twin engine does not know the device", state, deviceId);
            return false;
        }
        ObjectNode payload = envelope();
        payload.put("state", state);
        return send(TwinRequest.ofJson(TwinOperation.STATE_UPDATE, deviceId, payload, TwinOrigin.DRIVER));
    }

    TwinEngine engine() {
        return engine.get();
    }

    private ObjectNode envelope() {
        ObjectNode payload = KaredgeJson.mapper().createObjectNode();
        payload.put("event_id", UUID.randomUUID().toString());
        payload.put("timestamp", clock.millis());
        return payload;
    }

    private boolean send(TwinRequest request) {
        TwinEngine current = engine.get();
        if (current == null) {
            return false;
        }
        try {
            current.handle(request).whenComplete((reply, failure) -> {
                if (failure != null) {
                    LOG.warn("Twin engine failed {} of {}", request.operation().suffix(), request.target(), failure);
                } else if (!reply.ok()) {
                    LOG.debug("Twin engine answered {} to {} of {}: {}", reply.code(), request.operation().suffix(),
                            request.target(), reply.reason());
                }
            });
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Twin engine refused {} of {}", request.operation().suffix(), request.target(), e);
            return false;
        }
    }
}
