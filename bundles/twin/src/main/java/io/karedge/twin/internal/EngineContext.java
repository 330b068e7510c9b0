package io.karedge.twin.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** What jobs need from the engine: the node name, the clock and the settings. */
record EngineContext(String nodeName, Clock clock, EngineSettings settings) {

    long now() {
        return clock.millis();
    }

    /** @return now as RFC 3339 UTC with second precision, like EdgeCore's {@code last_online} */
    String nowRfc3339() {
        return Instant.ofEpochMilli(clock.millis()).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
