package io.karedge.edge.stream.internal;

import static org.awaitility.Awaitility.await;

import io.karedge.pod.PodInfo;
import io.karedge.pod.manager.internal.PodHarness;
import io.karedge.pod.manager.internal.TestMetaStore;
import io.karedge.runtime.cri.internal.CriFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * The edge's end of the stream tunnel over a real containerd: the pod manager on the CRI runtime, one busybox
 * pod {@code karedge-test/<name>} with a container {@code main} running, and a {@link TunnelSession} sending to
 * the given cloud side. A test without a live {@code KAREDGE_CRI_SOCKET} is skipped.
 */
final class TunnelOnContainerd implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(40);
    static final String NAMESPACE = "karedge-test";

    final PodHarness harness;
    final TunnelSession session;
    private final CriFixture cri;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    /**
     * @param container the container's settings after its name and image, one YAML line each
     *                  ({@code command: [...]}, {@code stdin: true})
     */
    static TunnelOnContainerd start(Path data, TunnelSender toCloud, String pod, String... container) {
        String socket = CriFixture.liveSocket();
        Assumptions.assumeTrue(socket != null, "KAREDGE_CRI_SOCKET does not name a live CRI socket");
        TunnelOnContainerd edge = new TunnelOnContainerd(CriFixture.open(socket, data), data, toCloud);
        try {
            edge.runPod(pod, container);
            return edge;
        } catch (RuntimeException | Error e) {
            try {
                edge.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void runPod(String pod, String... container) {
        harness.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s, uid: uid-%s-%d}
                spec:
                  hostNetwork: true
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: localhost/karedge/busybox:1
                    imagePullPolicy: IfNotPresent
                %s
                """.formatted(pod, NAMESPACE, pod, System.nanoTime(),
                Arrays.stream(container).map(line -> "    " + line).collect(Collectors.joining("\n"))));
        await().atMost(WAIT).until(() -> harness.status().pod(NAMESPACE, pod).map(PodInfo::display)
                .orElse(""), "Running"::equals);
    }

    private TunnelOnContainerd(CriFixture cri, Path data, TunnelSender toCloud) {
        this.cri = cri;
        this.harness = new PodHarness(new TestMetaStore(), data, 1_000, 4_000, 200, Clock.systemUTC());
        harness.addRuntime("default", cri.runtime);
        this.session = new TunnelSession(harness.status(), new UsageSource("edge-1", harness.status(),
                NodeUsageReader.system()), toCloud, executor, Duration.ofMillis(50));
    }

    @Override
    public void close() throws Exception {
        session.close();
        harness.close();
        cri.close();
        executor.shutdownNow();
    }
}
