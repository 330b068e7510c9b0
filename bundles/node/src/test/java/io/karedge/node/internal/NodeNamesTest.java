package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeNamesTest {

    @Test
    void turnsHostNamesIntoValidNodeNames() {
        assertThat(NodeNames.sanitize("Gateway_7.Plant-A")).isEqualTo("gateway-7.plant-a");
        assertThat(NodeNames.sanitize("--edge--")).isEqualTo("edge");
        assertThat(NodeNames.sanitize("")).isEqualTo("karedge-node");
        assertThat(NodeNames.sanitize("a".repeat(300))).hasSize(253);
        assertThat(NodeNames.fromHost()).matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    }

    @Test
    void dataDirectoryDefaultsUnderKarafData(@TempDir Path dir) {
        String previous = System.getProperty("karaf.data");
        System.setProperty("karaf.data", dir.toString());
        try {
            assertThat(EdgeNodeComponent.resolveDataDirectory("")).isEqualTo(dir.resolve("karedge"));
            assertThat(EdgeNodeComponent.resolveDataDirectory("/var/lib/karedge")).isEqualTo(Path.of("/var/lib/karedge"));
        } finally {
            if (previous == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", previous);
            }
        }
    }

    @Test
    void sumsFileSizes(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a"), new byte[100]);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/b"), new byte[23]);
        assertThat(DirectorySize.of(dir)).isEqualTo(123);
        assertThat(DirectorySize.of(dir.resolve("missing"))).isZero();
    }
}
