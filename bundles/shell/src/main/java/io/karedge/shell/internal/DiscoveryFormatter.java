package io.karedge.shell.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.manager.DiscoveryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code edge:discover} prints: a table of the devices found, their JSON, or for each one a DeviceModel
 * and a Device (KubeEdge {@code devices.kubeedge.io/v1beta1}) to edit and apply.
 *
 * <p>A driver may follow a property name with {@code ": "} and details separated by {@code ", "}: a word that
 * is a DeviceModel type ({@code INT}, {@code DOUBLE} ...) or access mode ({@code ReadOnly},
 * {@code ReadWrite}) goes to the DeviceModel's property, a {@code key value} pair to the property's
 * {@code visitors.configData}. The OPC UA driver writes {@code line1-setpoint: nodeID ns=2;s=Line1.Setpoint,
 * browseName Setpoint, DOUBLE, ReadWrite}.
 */
final class DiscoveryFormatter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = Set.of("INT", "FLOAT", "DOUBLE", "STRING", "BOOLEAN", "BYTES");
    private static final Set<String> ACCESS_MODES = Set.of("ReadOnly", "ReadWrite");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
    private static final Pattern PAIR = Pattern.compile("([A-Za-z][A-Za-z0-9_]*) (\\S.*)");

    /** One proposed property, read from what the driver wrote. */
    record Proposal(String name, String type, String accessMode, Map<String, String> visitor, String details) {

        static Proposal of(String text) {
            int colon = text.indexOf(": ");
            String name = (colon < 0 ? text : text.substring(0, colon)).trim();
            String details = colon < 0 ? "" : text.substring(colon + 2).trim();
            String type = null;
            String access = null;
            Map<String, String> visitor = new LinkedHashMap<>();
            for (String part : details.isEmpty() ? new String[0] : details.split(", ")) {
                String word = part.trim();
                var pair = PAIR.matcher(word);
                if (TYPES.contains(word)) {
                    type = word;
                } else if (ACCESS_MODES.contains(word)) {
                    access = word;
                } else if (pair.matches()) {
                    visitor.put(pair.group(1), pair.group(2).trim());
                }
            }
            return new Proposal(name, type, access, visitor, details);
        }
    }

    private DiscoveryFormatter() {
    }

    static String table(DiscoveryResult result, Duration timeout) {
        if (result.devices().isEmpty()) {
            return "No devices found by " + result.protocol() + " in " + seconds(timeout) + " s\n";
        }
        TextTable table = new TextTable(List.of("NAME", "DESCRIPTION", "PROPERTIES"));
        for (DiscoveredDevice device : result.devices()) {
            List<String> names = device.properties().stream().map(p -> Proposal.of(p).name()).toList();
            table.row(List.of(device.name(), oneLine(device.description()),
                    names.size() + (names.isEmpty() ? "" : ": " + clip(String.join(", ", names), 80))));
        }
        return table.render() + result.devices().size() + " device(s) found by " + result.driver() + " in "
                + result.elapsed().toMillis() + " ms; -o yaml prints manifests to start from\n";
    }

    static String json(DiscoveryResult result) throws JsonProcessingException {
        ObjectNode body = JSON.createObjectNode().put("protocol", result.protocol());
        ArrayNode devices = body.putArray("devices");
        for (DiscoveredDevice device : result.devices()) {
            ObjectNode item = devices.addObject().put("name", device.name()).put("description", device.description());
            item.set("protocolConfig", device.protocolConfig());
            device.properties().forEach(item.putArray("properties")::add);
        }
        body.put("elapsedMillis", result.elapsed().toMillis());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n";
    }

    /** @return for each device a DeviceModel and a Device, as YAML documents with the driver's details as comments */
    static String manifests(DiscoveryResult result, Duration timeout) throws JsonProcessingException {
        if (result.devices().isEmpty()) {
            return "# No devices found by " + result.protocol() + " in " + seconds(timeout) + " s\n";
        }
        StringBuilder out = new StringBuilder();
        for (DiscoveredDevice device : result.devices()) {
            if (out.length() > 0) {
                out.append("---\n");
            }
            List<Proposal> properties = new ArrayList<>();
            device.properties().forEach(p -> properties.add(Proposal.of(p)));
            String model = device.name() + "-model";
            out.append("# ").append(oneLine(device.description())).append('\n');
            out.append("# found by ").append(result.driver()).append("; check types, access modes and cycles\n");
            out.append("apiVersion: devices.kubeedge.io/v1beta1\nkind: DeviceModel\n");
            out.append("metadata: {name: ").append(scalar(model)).append(", namespace: default}\n");
            out.append("spec:\n  protocol: ").append(scalar(result.protocol())).append('\n');
            out.append(properties.isEmpty() ? "  properties: []\n" : "  properties:\n");
            for (Proposal p : properties) {
                out.append("    - {name: ").append(scalar(p.name())).append(", type: ")
                        .append(p.type() == null ? "STRING" : p.type()).append(", accessMode: ")
                        .append(p.accessMode() == null ? "ReadOnly" : p.accessMode()).append("}\n");
            }
            out.append("---\napiVersion: devices.kubeedge.io/v1beta1\nkind: Device\n");
            out.append("metadata: {name: ").append(scalar(device.name())).append(", namespace: default}\n");
            out.append("spec:\n  deviceModelRef: {name: ").append(scalar(model)).append("}\n");
            out.append("  nodeName: \"\"          # the node that runs it (empty: this node, for a device applied here)")
                    .append('\n');
            out.append("  protocol:\n    protocolName: ").append(scalar(result.protocol())).append('\n');
            out.append("    configData: ").append(JSON.writeValueAsString(device.protocolConfig())).append('\n');
            out.append(properties.isEmpty() ? "  properties: []\n" : "  properties:\n");
            for (Proposal p : properties) {
                out.append("    - name: ").append(scalar(p.name())).append('\n');
                if (!p.details().isEmpty()) {
                    out.append("      # ").append(oneLine(p.details())).append('\n');
                }
                out.append("      reportToCloud: true\n");
                out.append("      visitors: {protocolName: ").append(scalar(result.protocol())).append(", configData: ")
                        .append(JSON.writeValueAsString(p.visitor())).append("}\n");
            }
        }
        return out.toString();
    }

    /** @return {@code text} as a YAML scalar: plain when that is safe, else a double-quoted (JSON) string */
    static String scalar(String text) {
        if (PLAIN.matcher(text).matches() && !Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n")
                .contains(text.toLowerCase(java.util.Locale.ROOT)) && !text.matches("[-+]?[0-9._]+([eE][-+]?[0-9]+)?")) {
            return text;
        }
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\t]+", " ").trim();
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(java.util.Locale.ROOT, "%.1f",
                millis / 1000.0);
    }
}
