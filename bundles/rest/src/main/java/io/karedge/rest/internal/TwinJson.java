package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinPublication;
import io.karedge.api.twin.TwinRecord;
import java.util.Iterator;
import java.util.Map;

/** JSON of device twins and twin changes for the REST API. */
final class TwinJson {

    private TwinJson() {
    }

    /**
     * {@code {"deviceId","state","lastOnline","twins":{<prop>:{"version":N,"updatedAt":...,<MsgTwin keys>}}}};
     * the MsgTwin keys are those of the KubeEdge twin (expected, actual, optional, metadata, versions).
     */
    static ObjectNode device(DeviceTwin twin) {
        ObjectNode node = KaredgeJson.mapper().createObjectNode();
        node.put("deviceId", twin.deviceId());
        node.put("state", twin.state());
        if (twin.lastOnline() != null) {
            node.put("lastOnline", twin.lastOnline().toString());
        } else {
            node.putNull("lastOnline");
        }
        node.set("twins", records(twin.twins()));
        return node;
    }

    static ObjectNode records(Map<String, TwinRecord> records) {
        ObjectNode twins = KaredgeJson.mapper().createObjectNode();
        records.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> twins.set(entry.getKey(), record(entry.getValue())));
        return twins;
    }

    static ObjectNode record(TwinRecord record) {
        ObjectNode node = KaredgeJson.mapper().createObjectNode();
        node.put("version", record.version());
        node.put("updatedAt", record.updatedAt().toString());
        JsonNode twin = record.twin();
        Iterator<Map.Entry<String, JsonNode>> fields = twin.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            node.set(field.getKey(), field.getValue());
        }
        return node;
    }

    /** One line of a twin watch: {@code {"type":"CHANGE","deviceId","origin","state","twins","publications"}}. */
    static ObjectNode change(TwinChange change) {
        ObjectNode node = KaredgeJson.mapper().createObjectNode();
        node.put("type", "CHANGE");
        node.put("deviceId", change.deviceId());
        node.put("origin", change.origin().name());
        if (change.state() != null) {
            node.put("state", change.state());
        }
        node.set("twins", records(change.twins()));
        ArrayNode publications = node.putArray("publications");
        for (TwinPublication publication : change.publications()) {
            publications.addObject().put("topic", publication.topic()).set("payload", publication.payload());
        }
        return node;
    }
}
