package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Text for {@code edge:twin} and {@code edge:twin-set}. */
final class TwinFormatter {

    private TwinFormatter() {
    }

    /** @return {@code <namespace>/<name>} from {@code ns/name}, or from {@code name} and the namespace option */
    static String deviceId(String device, String namespace) {
        if (device.contains("/")) {
            return device;
        }
        return (namespace == null || namespace.isBlank() ? "default" : namespace) + "/" + device;
    }

    static String format(DeviceTwin twin) {
        StringBuilder out = new StringBuilder();
        out.append("Device:       ").append(twin.deviceId()).append('\n');
        out.append("State:        ").append(twin.state()).append('\n');
        out.append("Last online:  ").append(twin.lastOnline() == null ? "-" : twin.lastOnline().toString()).append('\n');
        out.append('\n');
        TextTable table = new TextTable(List.of("PROPERTY", "TYPE", "EXPECTED", "ACTUAL", "VERSION", "UPDATED"));
        for (Map.Entry<String, TwinRecord> entry : new TreeMap<>(twin.twins()).entrySet()) {
            TwinRecord record = entry.getValue();
            JsonNode doc = record.twin();
            table.row(List.of(entry.getKey(), doc.path("metadata").path("type").asText("string"),
                    value(doc, "expected"), value(doc, "actual"), String.valueOf(record.version()),
                    updated(record.updatedAt())));
        }
        if (table.isEmpty()) {
            out.append("No twins.\n");
        } else {
            out.append(table.render());
        }
        return out.toString();
    }

    private static String value(JsonNode doc, String part) {
        JsonNode node = doc.get(part);
        if (node == null || !node.isObject()) {
            return "-";
        }
        String value = node.path("value").asText("");
        return value.isEmpty() ? "\"\"" : value;
    }

    private static String updated(Instant at) {
        return at == null ? "-" : at.toString();
    }

    /** @return the line printed after {@code edge:twin-set} */
    static String setResult(String deviceId, String property, TwinReply reply) {
        return switch (reply.code()) {
            case 200 -> deviceId + " " + property + ": desired value set, version " + reply.version();
            case 409 -> deviceId + " " + property + ": conflict, the twin is at version " + reply.version()
                    + " (" + reply.reason() + ")";
            default -> deviceId + " " + property + ": refused (" + reply.code() + "): " + reply.reason();
        };
    }
}
