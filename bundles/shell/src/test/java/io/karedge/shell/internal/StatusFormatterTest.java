package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.node.BundleHealth;
import io.karedge.api.node.NodeMode;
import io.karedge.api.node.NodeStatus;
import io.karedge.pod.PodRestore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusFormatterTest {

    private static final Instant STARTED = Instant.parse("2025-06-01T09:00:00Z");

    @Test
    void healthyNode() {
        NodeStatus status = new NodeStatus("edge-1", NodeMode.STANDALONE, "/opt/karedge/data", 12_900_000, 42,
                Map.of("Device", 3L, "ConfigMap", 1L),
                List.of(new BundleHealth("io.karedge.api", "0.1.0.SNAPSHOT", "ACTIVE", false, List.of()),
                        new BundleHealth("io.karedge.store", "0.1.0.SNAPSHOT", "ACTIVE", false, List.of())),
                STARTED);

        assertThat(StatusFormatter.format(status, STARTED.plusSeconds(3 * 3600 + 120))).isEqualTo(
                "Node edge-1 is healthy\n"
                + "\n"
                + "Node name:        edge-1\n"
                + "Mode:             standalone\n"
                + "Data directory:   /opt/karedge/data (12.3 MiB)\n"
                + "Resource version: 42\n"
                + "Started:          2025-06-01T09:00:00Z (up 3h2m)\n"
                + "\n"
                + "Objects:\n"
                + "  KIND        COUNT\n"
                + "  ConfigMap   1\n"
                + "  Device      3\n"
                + "\n"
                + "Bundles:\n"
                + "  NAME               VERSION          STATE    HEALTH\n"
                + "  io.karedge.api     0.1.0.SNAPSHOT   ACTIVE   ok\n"
                + "  io.karedge.store   0.1.0.SNAPSHOT   ACTIVE   ok\n");
    }

    @Test
    void unhealthyNodeSaysSoFirstAndListsUnsatisfiedComponents() {
        NodeStatus status = new NodeStatus("edge-1", NodeMode.CLOUD, "/data", 0, 0, Map.of(),
                List.of(new BundleHealth("io.karedge.api", "0.1.0", "ACTIVE", false, List.of()),
                        new BundleHealth("io.karedge.rest", "0.1.0", "RESOLVED", false, List.of()),
                        new BundleHealth("io.karedge.store", "0.1.0", "ACTIVE", false,
                                List.of("io.karedge.store.MetaStoreComponent: waiting for configuration"))),
                STARTED);

        String out = StatusFormatter.format(status, STARTED);

        assertThat(out).startsWith("Node edge-1 is NOT healthy: 2 of 3 Karedge bundles have problems\n");
        assertThat(out).contains("Mode:             cloud\n", "(0 B)", "  none stored\n");
        assertThat(out).contains("  io.karedge.rest    0.1.0     RESOLVED   NOT ACTIVE\n");
        assertThat(out).contains("  io.karedge.store   0.1.0     ACTIVE     UNSATISFIED (1)\n");
        assertThat(out).endsWith("Unsatisfied components:\n"
                + "  io.karedge.store: io.karedge.store.MetaStoreComponent: waiting for configuration\n");
    }

    @Test
    void theRestoreOfThePodsOfTheLastRunIsOneLineAfterTheStart() {
        NodeStatus status = new NodeStatus("edge-1", NodeMode.CLOUD, "/data", 0, 0, Map.of(), List.of(), STARTED);
        PodRestore restore = new PodRestore(2, 2, true, Duration.ofMillis(610), Duration.ofMillis(700),
                Duration.ofMillis(1234), List.of());

        String out = StatusFormatter.format(status, STARTED.plusSeconds(5),
                Optional.of(PodManagerStatuses.describe(restore)));

        assertThat(out).contains("Started:          2025-06-01T09:00:00Z (up 5s)\n"
                + "Pods:             pods restored in 1.23 s (2 of 2 running; pod manager started at 0.61 s)\n");
    }

    @Test
    void aRestoreInProgressOrWithPodsNotRunningSaysSo() {
        assertThat(PodManagerStatuses.describe(new PodRestore(3, 1, false, Duration.ofMillis(500), null,
                Duration.ofMillis(2_000), List.of()))).isEqualTo("1 of 3 running, 2.00 s after the process started");
        assertThat(PodManagerStatuses.describe(new PodRestore(2, 1, true, Duration.ofMillis(500), null,
                Duration.ofMillis(3_000), List.of("default/web: main ErrImagePull"))))
                .isEqualTo("pods restored in 3.00 s (1 of 2 running; pod manager started at 0.50 s);"
                        + " not running: default/web: main ErrImagePull");
        assertThat(PodManagerStatuses.describe(new PodRestore(0, 0, true, Duration.ZERO, null, Duration.ZERO,
                List.of()))).isEqualTo("none to restore at this start");
    }
}
