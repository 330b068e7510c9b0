package io.karedge.manifests.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.Selector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifests a fresh node ships in etc/manifests must read without a single problem. */
class DemoManifestTest {

    static final Path DEMO = Path.of("../../karaf-assembly/src/main/resources/assembly/etc/manifests/demo-devices.yaml");

    @TempDir
    Path directory;

    @Test
    void demoManifestParsesCleanly() throws IOException {
        ManifestParser.Result result = new ManifestParser(1024 * 1024).parse(Files.readAllBytes(DEMO));

        assertThat(result.problems()).isEmpty();
        Map<ObjectKey, ObjectNode> objects = result.documents().stream()
                .collect(Collectors.toMap(ManifestDocument::key, ManifestDocument::object));
        assertThat(objects.keySet()).containsExactlyInAnyOrder(
                ObjectKey.of("DeviceModel", "default", "thermometer-model"),
                ObjectKey.of("DeviceModel", "default", "counter-model"),
                ObjectKey.of("Device", "default", "thermometer-01"),
                ObjectKey.of("Device", "default", "thermometer-02"),
                ObjectKey.of("Device", "default", "counter-01"),
                ObjectKey.of("ConfigMap", "default", "demo-settings"));

        JsonNode model = objects.get(ObjectKey.of("DeviceModel", "default", "thermometer-model")).path("spec");
        assertThat(model.path("protocol").asText()).isEqualTo("virtual");
        assertThat(model.path("properties")).extracting(p -> p.path("name").asText() + "/" + p.path("type").asText()
                + "/" + p.path("accessMode").asText()).containsExactly("temperature/FLOAT/ReadOnly",
                "setpoint/FLOAT/ReadWrite");
        assertThat(model.path("properties").get(0).path("unit").asText()).isEqualTo("Celsius");

        for (ObjectKey key : objects.keySet()) {
            if (!key.kind().equals("Device")) {
                continue;
            }
            JsonNode spec = objects.get(key).path("spec");
            assertThat(spec.path("protocol").path("protocolName").asText()).isEqualTo("virtual");
            assertThat(spec.has("nodeName")).isFalse();
            assertThat(objects).containsKey(ObjectKey.of("DeviceModel", "default",
                    spec.path("deviceModelRef").path("name").asText()));
            for (JsonNode property : spec.path("properties")) {
                assertThat(property.path("visitors").path("protocolName").asText()).isEqualTo("virtual");
                assertThat(property.path("visitors").path("configData").path("generator").isTextual()).isTrue();
                assertThat(property.path("collectCycle").canConvertToLong()).isTrue();
                assertThat(property.path("reportCycle").canConvertToLong()).isTrue();
                if (property.has("desired")) {
                    assertThat(property.path("desired").path("value").isTextual()).isTrue();
                }
            }
        }
        JsonNode thermometer = objects.get(ObjectKey.of("Device", "default", "thermometer-01")).path("spec");
        assertThat(thermometer.findValues("desired")).singleElement()
                .satisfies(desired -> assertThat(desired.path("value").asText()).isNotBlank());
    }

    @Test
    void demoManifestAppliesToAStore() throws IOException {
        Files.copy(DEMO, directory.resolve("demo-devices.yaml"));
        ReconcilerFixture fx = new ReconcilerFixture(directory);

        fx.scan();

        assertThat(fx.problems).isEmpty();
        assertThat(fx.store.list(Selector.ALL).items()).hasSize(6)
                .allSatisfy(stored -> assertThat(stored.source()).isEqualTo("manifest:demo-devices.yaml"));
    }
}
