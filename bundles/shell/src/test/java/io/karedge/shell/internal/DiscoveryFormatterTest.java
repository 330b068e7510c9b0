package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.manager.DiscoveryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static DiscoveryResult opcua() {
        ObjectNode config = JSON.createObjectNode().put("url", "opc.tcp://127.0.0.1:4840/line")
                .put("securityPolicy", "Basic256Sha256");
        DiscoveredDevice line = new DiscoveredDevice("karedge-test-server",
                "OPC UA server 'karedge-test-server' at opc.tcp://127.0.0.1:4840/line: 3 variable(s)", config,
                List.of("line1-setpoint: nodeID ns=2;s=Line1.Setpoint, browseName Setpoint, DOUBLE, ReadWrite",
                        "line1-numeric: nodeID ns=2;i=1001, browseName Numeric, INT, ReadOnly",
                        "true"));
        DiscoveredDevice bare = new DiscoveredDevice("pump", null, JSON.createObjectNode(), List.of());
        return new DiscoveryResult("opcua", "io.karedge.protocol.opcua 0.1.0", List.of(line, bare),
                Duration.ofMillis(1234));
    }

    @Test
    void theTableNamesEachDeviceWithItsPropertyCountAndNames() {
        String table = DiscoveryFormatter.table(opcua(), Duration.ofSeconds(10));

        assertThat(table.lines().findFirst().orElseThrow()).contains("NAME", "DESCRIPTION", "PROPERTIES");
        assertThat(table).contains("karedge-test-server", "OPC UA server 'karedge-test-server'",
                "3: line1-setpoint, line1-numeric, true", "pump")
                .contains("2 device(s) found by io.karedge.protocol.opcua 0.1.0 in 1234 ms")
                .doesNotContain("nodeID");
    }

    @Test
    void anEmptyScanSaysSo() throws Exception {
        DiscoveryResult none = new DiscoveryResult("opcua", "d 1", List.of(), Duration.ofMillis(10));

        assertThat(DiscoveryFormatter.table(none, Duration.ofSeconds(5))).isEqualTo("No devices found by opcua in 5 s\n");
        assertThat(DiscoveryFormatter.manifests(none, Duration.ofSeconds(5)))
                .isEqualTo("# No devices found by opcua in 5 s\n");
    }

    @Test
    void jsonCarriesWhatTheRestApiAnswers() throws Exception {
        JsonNode body = JSON.readTree(DiscoveryFormatter.json(opcua()));

        assertThat(body.path("protocol").asText()).isEqualTo("opcua");
        assertThat(body.path("elapsedMillis").asLong()).isEqualTo(1234);
        assertThat(body.path("devices")).hasSize(2);
        JsonNode line = body.path("devices").get(0);
        assertThat(line.path("name").asText()).isEqualTo("karedge-test-server");
        assertThat(line.path("protocolConfig").path("url").asText()).isEqualTo("opc.tcp://127.0.0.1:4840/line");
        assertThat(line.path("properties")).hasSize(3);
        assertThat(body.path("devices").get(1).path("properties")).isEmpty();
    }

    @Test
    void yamlIsAModelAndADeviceForEachFoundDeviceThatParse() throws Exception {
        String yaml = DiscoveryFormatter.manifests(opcua(), Duration.ofSeconds(10));
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }

        assertThat(documents).extracting(d -> d.path("kind").asText())
                .containsExactly("DeviceModel", "Device", "DeviceModel", "Device");
        assertThat(documents).allSatisfy(d -> assertThat(d.path("apiVersion").asText())
                .isEqualTo("devices.kubeedge.io/v1beta1"));

        JsonNode model = documents.get(0);
        assertThat(model.path("metadata").path("name").asText()).isEqualTo("karedge-test-server-model");
        assertThat(model.path("spec").path("protocol").asText()).isEqualTo("opcua");
        JsonNode modelProperties = model.path("spec").path("properties");
        assertThat(modelProperties).hasSize(3);
        assertThat(modelProperties.get(0).path("name").asText()).isEqualTo("line1-setpoint");
        assertThat(modelProperties.get(0).path("type").asText()).isEqualTo("DOUBLE");
        assertThat(modelProperties.get(0).path("accessMode").asText()).isEqualTo("ReadWrite");
        assertThat(modelProperties.get(1).path("type").asText()).isEqualTo("INT");
        assertThat(modelProperties.get(1).path("accessMode").asText()).isEqualTo("ReadOnly");
        assertThat(modelProperties.get(2).path("name").isTextual()).as("a name that YAML would read as a boolean")
                .isTrue();
        assertThat(modelProperties.get(2).path("name").asText()).isEqualTo("true");
        assertThat(modelProperties.get(2).path("type").asText()).isEqualTo("STRING");

        JsonNode device = documents.get(1).path("spec");
        assertThat(documents.get(1).path("metadata").path("name").asText()).isEqualTo("karedge-test-server");
        assertThat(device.path("deviceModelRef").path("name").asText()).isEqualTo("karedge-test-server-model");
        assertThat(device.path("protocol").path("protocolName").asText()).isEqualTo("opcua");
        assertThat(device.path("protocol").path("configData").path("url").asText())
                .isEqualTo("opc.tcp://127.0.0.1:4840/line");
        assertThat(device.path("protocol").path("configData").path("securityPolicy").asText())
                .isEqualTo("Basic256Sha256");
        JsonNode setpoint = device.path("properties").get(0);
        assertThat(setpoint.path("name").asText()).isEqualTo("line1-setpoint");
        assertThat(setpoint.path("visitors").path("protocolName").asText()).isEqualTo("opcua");
        assertThat(setpoint.path("visitors").path("configData").path("nodeID").asText())
                .isEqualTo("ns=2;s=Line1.Setpoint");
        assertThat(setpoint.path("visitors").path("configData").path("browseName").asText()).isEqualTo("Setpoint");
        assertThat(device.path("properties").get(2).path("visitors").path("configData")).isEmpty();
        assertThat(yaml).contains("# nodeID ns=2;s=Line1.Setpoint, browseName Setpoint, DOUBLE, ReadWrite");

        assertThat(documents.get(2).path("spec").path("properties")).isEmpty();
        assertThat(documents.get(3).path("spec").path("properties")).isEmpty();
    }
}
