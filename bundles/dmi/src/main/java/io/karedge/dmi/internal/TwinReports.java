package io.karedge.dmi.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.dmi.internal.proto.Twin;
import java.util.Optional;

/**
 * Builds the twin-engine payloads of mapper reports, in the JSON of the KubeEdge MQTT topics (reference
 * 4.4): one {@code twin/update} message per reported twin, and one {@code state/update} message per state
 * report.
 */
final class TwinReports {

    private TwinReports() {
    }

    /**
     * {@code {"event_id":"","timestamp":now,"twin":{"<name>":{"actual":{"value":..},"metadata":{"type":..}}}}}.
     * The mapper's observed desired value never becomes {@code expected}: the desired value is decided by the
     * twin engine, and a mapper that lags behind is pushed again ({@link DeviceCatalog#observed}). The type is
     * given when known.
     */
    static ObjectNode twinUpdate(Twin twin, Optional<String> type, long nowMillis) {
        ObjectNode message = KaredgeJson.mapper().createObjectNode();
        message.put("event_id", "");
        message.put("timestamp", nowMillis);
        ObjectNode property = message.putObject("twin").putObject(twin.getPropertyName());
        property.putObject("actual").put("value", twin.getReported().getValue());
        type.ifPresent(t -> property.putObject("metadata").put("type", t));
        return message;
    }

    /** {@code {"event_id":"","timestamp":now,"state":"<state>"}}. */
    static ObjectNode stateUpdate(String state, long nowMillis) {
        ObjectNode message = KaredgeJson.mapper().createObjectNode();
        message.put("event_id", "");
        message.put("timestamp", nowMillis);
        message.put("state", state);
        return message;
    }
}
