package io.karedge.twin.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** What jobs need from the engine: the node name, the clock, the settings and the devices' models. */
record EngineContext(String nodeName, Clock clock, EngineSettings settings, ModelRules models) {

    EngineContext(String nodeName, Clock clock, EngineSettings settings) {
        this(nodeName, clock, settings, ModelRules.NONE);
    }

    /** Refuses (400) a desired value the device's model does not allow. */
    void checkDesired(String deviceId, String property, String value) throws Rejection {
        String problem = models.problem(deviceId, property, value);
        if (problem != null) {
            throw Rejection.badRequest(problem);
        }
    }

    long now() {
        return clock.millis();
    }

    /** @return now as RFC 3339 UTC with second precision, like EdgeCore's {@code last_online} */
    String nowRfc3339() {
        return Instant.ofEpochMilli(clock.millis()).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
