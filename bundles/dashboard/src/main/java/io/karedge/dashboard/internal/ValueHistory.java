package io.karedge.dashboard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinRecord;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recent values of every device property the node saw change, bounded: each property in a
 * {@link PropertyHistory} of at most {@code finePoints + coarseMinutes} points, and at most
 * {@code maxProperties} properties; past that, the property changed least recently is forgotten. So the
 * history holds at most {@code maxProperties × (finePoints + coarseMinutes)} points, whatever the number of
 * devices. A property deleted from its twin is forgotten at once. Thread-safe.
 */
final class ValueHistory {

    /** The history of one property: whether it is drawn as numbers, and its points. */
    record PropertyView(boolean numeric, List<PropertyHistory.Point> points) {
    }

    record Limits(int finePoints, int coarseMinutes, int maxProperties) {

        static final Limits DEFAULTS = new Limits(120, 60, 1000);

        Limits {
            if (finePoints < 1 || coarseMinutes < 0 || maxProperties < 1) {
                throw new IllegalArgumentException("history limits must be positive: fine.points " + finePoints
                        + ", coarse.minutes " + coarseMinutes + ", max.properties " + maxProperties);
            }
        }

        long maxPoints() {
            return (long) maxProperties * (finePoints + coarseMinutes);
        }
    }

    private static final String DELETED = "deleted";

    private final Limits limits;
    /** deviceId + NUL + property, in the order they last changed (least recent first) */
    private final LinkedHashMap<String, PropertyHistory> properties = new LinkedHashMap<>(64, 0.75f, false);
    private long forgotten;

    ValueHistory(Limits limits) {
        this.limits = limits;
    }

    Limits limits() {
        return limits;
    }

    /** Takes the reported and desired values of every property a committed change wrote. */
    void record(TwinChange change) {
        for (TwinRecord record : change.twins().values()) {
            JsonNode twin = record.twin();
            if (DELETED.equals(twin.path("metadata").path("type").asText(null))) {
                forget(record.deviceId(), record.property());
            } else {
                add(record.deviceId(), record.property(), record.updatedAt().toEpochMilli(),
                        value(twin.get("actual")), value(twin.get("expected")));
            }
        }
    }

    synchronized void add(String deviceId, String property, long atMillis, String actual, String desired) {
        String key = key(deviceId, property);
        PropertyHistory history = properties.remove(key);
        if (history == null) {
            history = new PropertyHistory(limits.finePoints(), limits.coarseMinutes());
            if (properties.size() >= limits.maxProperties()) {
                Iterator<PropertyHistory> eldest = properties.values().iterator();
                eldest.next();
                eldest.remove();
                forgotten++;
            }
        }
        properties.put(key, history);
        history.add(atMillis, actual, desired);
    }

    synchronized void forget(String deviceId, String property) {
        properties.remove(key(deviceId, property));
    }

    /**
     * @param property one property, or {@code null} for all of the device's
     * @return the device's properties with their points at or after {@code sinceMillis}, by name
     */
    synchronized Map<String, PropertyView> of(String deviceId, String property, long sinceMillis) {
        Map<String, PropertyView> views = new TreeMap<>();
        String prefix = deviceId + '\0';
        if (property != null) {
            PropertyHistory history = properties.get(prefix + property);
            if (history != null) {
                views.put(property, new PropertyView(history.numeric(), history.since(sinceMillis)));
            }
            return views;
        }
        for (Map.Entry<String, PropertyHistory> entry : properties.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                PropertyHistory history = entry.getValue();
                views.put(entry.getKey().substring(prefix.length()),
                        new PropertyView(history.numeric(), history.since(sinceMillis)));
            }
        }
        return views;
    }

    synchronized int properties() {
        return properties.size();
    }

    synchronized long points() {
        long points = 0;
        for (PropertyHistory history : properties.values()) {
            points += history.size();
        }
        return points;
    }

    /** @return properties forgotten to stay within {@code maxProperties} */
    synchronized long forgotten() {
        return forgotten;
    }

    private static String key(String deviceId, String property) {
        return deviceId + '\0' + property;
    }

    private static String value(JsonNode part) {
        if (part == null || !part.isObject()) {
            return null;
        }
        JsonNode value = part.get("value");
        return value == null || value.isNull() ? null : value.asText();
    }
}
