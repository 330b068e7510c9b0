package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A feature pod across stops and starts. On a start the pod manager (start level 77) runs before the feature
 * runtime can serve: the runtime needs Karaf's features service, which on every start after the first comes
 * after the node's own bundles. On a stop the runtime (82) goes before the pod manager. Either way the pod must
 * keep its status, never turn {@code RuntimeClassNotFound} (the pod manager logs each pod that does), and run
 * again once the runtime is there; after a stop and after a kill -9. The pod manager's {@code runtime.wait.ms}
 * is 10 s here, and the node runs longer than that before its stop, so the stop is not covered by the wait
 * that follows a start.
 */
class FeaturePodRestartFaultIT {

    private static final String DRIVER_BUNDLE = "io.karedge.protocol.mqtt";
    private static final String NOT_FOUND = "no runtime for runtime class \"karaf-feature\"";
    private static final String SERVED = "Runtime class 'karaf-feature' is served by";

    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;
    private NodeRest rest;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aFeaturePodKeepsItsStatusWhileItsRuntimeStartsAfterTheRestart() throws Exception {
        node = nodes.create("feature-pod-restart");
        rest = new NodeRest(node);
        node.addBootFeature("karedge-runtime-feature");
        node.configure("io.karedge.pod.manager", "runtime.wait.ms", "10000");
        String m2 = System.getProperty("karedge.faults.m2", "");
        if (!m2.isBlank()) {
            node.configure("org.ops4j.pax.url.mvn", "org.ops4j.pax.url.mvn.localRepository", m2);
        }
        Files.writeString(node.manifests().resolve("feature-pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: mqtt-driver, namespace: default}
                spec:
                  runtimeClassName: karaf-feature
                  restartPolicy: Always
                  containers:
                  - name: driver
                    image: mvn:io.karedge/karedge-features/%s/xml/features
                    args: [karedge-protocol-mqtt]
                """.formatted(System.getProperty("karedge.version")));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("firstStartS", FaultReport.seconds(node.start()));
        await("the feature pod's bundle active").atMost(Duration.ofSeconds(90))
                .until(() -> "ACTIVE".equals(rest.bundleState(DRIVER_BUNDLE)));
        assertThat(node.countInLog(NOT_FOUND)).as("RuntimeClassNotFound at the first start").isZero();
        Thread.sleep(11_000); // past the wait that follows the start
        node.stop();
        assertThat(node.countInLog(NOT_FOUND)).as("RuntimeClassNotFound while the node stopped").isZero();

        figures.put("restartS", FaultReport.seconds(node.start()));
        awaitRuntimeAndPod(2);
        node.kill9();
        figures.put("afterKillS", FaultReport.seconds(node.start()));
        awaitRuntimeAndPod(3);

        assertThat(node.countInLog(NOT_FOUND)).as("lines of a pod turned RuntimeClassNotFound in karaf.log").isZero();
        assertThat(node.countInLog("\\| ERROR \\|")).as("no ERROR line in karaf.log").isZero();
        FaultReport.line("feature-pod-restart", "a feature pod, past the runtime wait a stop and start, then kill -9 and a start",
                "the pod ran again after each", 0, figures);
    }

    /** The runtime registered for the {@code starts}-th time and the pod's feature runs. */
    private void awaitRuntimeAndPod(int starts) throws Exception {
        await("the feature runtime served again").atMost(Duration.ofSeconds(60))
                .until(() -> node.countInLog(SERVED) >= starts);
        await("the feature pod's bundle active").atMost(Duration.ofSeconds(60))
                .until(() -> "ACTIVE".equals(rest.bundleState(DRIVER_BUNDLE)));
    }
}
