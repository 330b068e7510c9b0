package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.node.BundleHealth;
import io.karedge.api.node.NodeStatus;
import java.util.Locale;
import java.util.TreeMap;

/** {@link NodeStatus} as the JSON of {@code GET /api/v1/status}, with the derived {@code healthy} flags. */
final class NodeStatusJson {

    private NodeStatusJson() {
    }

    static ObjectNode of(NodeStatus status) {
        ObjectNode json = KaredgeJson.mapper().createObjectNode();
        json.put("nodeName", status.nodeName());
        json.put("healthy", status.healthy());
        json.put("mode", status.mode() == null ? null : status.mode().name().toLowerCase(Locale.ROOT));
        json.put("dataDirectory", status.dataDirectory());
        json.put("dataBytes", status.dataBytes());
        json.put("resourceVersion", String.valueOf(status.resourceVersion()));
        ObjectNode counts = json.putObject("objectCounts");
        new TreeMap<>(status.objectCounts()).forEach(counts::put);
        ArrayNode bundles = json.putArray("bundles");
        for (BundleHealth bundle : status.bundles()) {
            ObjectNode entry = bundles.addObject();
            entry.put("symbolicName", bundle.symbolicName());
            entry.put("version", bundle.version());
            entry.put("state", bundle.state());
            entry.put("fragment", bundle.fragment());
            entry.put("healthy", bundle.healthy());
            ArrayNode unsatisfied = entry.putArray("unsatisfiedComponents");
            bundle.unsatisfiedComponents().forEach(unsatisfied::add);
        }
        if (status.startedAt() != null) {
            json.put("startedAt", status.startedAt().toString());
        }
        return json;
    }
}
