package io.karedge.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.pod.PodInfo;
import io.karedge.pod.PodRef;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodFormatterTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    static PodInfo pod(String namespace, String name, int ready, int containers, String display, int restarts,
                       Instant created, String ip) {
        return new PodInfo(new PodRef("uid-" + name, namespace, name), "default", "Running", ready, containers,
                display, restarts, created, ip, "edge-1", null);
    }

    @Test
    void wideColumnsLikeKubectl() {
        List<PodInfo> pods = List.of(
                pod("default", "web", 1, 1, "Running", 0, NOW.minusSeconds(45), "127.0.0.1"),
                pod("default", "crashing-worker", 0, 2, "CrashLoopBackOff", 7, NOW.minusSeconds(3 * 3600 + 120), null));

        String text = PodFormatter.pods(pods, false, NOW);

        assertThat(text).isEqualTo(
                "NAME              READY   STATUS             RESTARTS   AGE    IP          NODE\n"
                + "web               1/1     Running            0          45s    127.0.0.1   edge-1\n"
                + "crashing-worker   0/2     CrashLoopBackOff   7          3h2m   <none>      edge-1\n");
    }

    @Test
    void allNamespacesAddsTheNamespaceColumnAndUnknownsAreMarked() {
        String text = PodFormatter.pods(List.of(pod("plant", "modbus", 1, 1, null, 0, null, "")), true, NOW);

        String[] lines = text.split("\n");
        assertThat(lines[0]).startsWith("NAMESPACE   NAME").endsWith("IP       NODE");
        assertThat(lines[1]).startsWith("plant       modbus").contains("<unknown>").contains("<none>");
    }

    @Test
    void selectionAndEmptyMessages() {
        List<PodInfo> pods = List.of(pod("a", "x", 1, 1, "Running", 0, NOW, null),
                pod("b", "y", 1, 1, "Running", 0, NOW, null));

        assertThat(PodFormatter.select(pods, "b", false)).extracting(p -> p.ref().name()).containsExactly("y");
        assertThat(PodFormatter.select(pods, "b", true)).hasSize(2);
        assertThat(PodFormatter.pods(List.of(), false, NOW)).isEmpty();
        assertThat(PodFormatter.noPods("apps", false)).isEqualTo("No resources found in apps namespace.");
        assertThat(PodFormatter.noPods("apps", true)).isEqualTo("No resources found");
    }
}
