package io.karedge.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * After its first start the node moves Karaf's features service to the last start level, so every later start
 * runs the node's bundles first. A boot feature added while the node is down must still be installed at the
 * next start (Karaf itself reads featuresBoot on a first start only), the move must outlive that deployment,
 * and a kill -9 right after must lose neither.
 */
class FeaturesBootChangedFaultIT {

    private static final String MOVED = "Karaf's features service moves from start level 15 to 100";

    @RegisterExtension
    final NodesClosed nodes = new NodesClosed();
    private KaredgeNode node;
    private NodeRest rest;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aBootFeatureAddedWhileTheNodeIsDownIsInstalledAtTheNextStart() throws Exception {
        node = nodes.create("features-boot-changed");
        rest = new NodeRest(node);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("firstStartS", FaultReport.seconds(node.start()));
        await("features service moved").atMost(Duration.ofSeconds(30)).until(() -> node.countInLog(MOVED) == 1);
        assertThat(rest.bundleState("io.karedge.protocol.mqtt")).isNull();
        node.stop();

        node.addBootFeature("karedge-protocol-mqtt");
        figures.put("restartS", FaultReport.seconds(node.start()));
        await("the added boot feature's bundle active").atMost(Duration.ofSeconds(60))
                .until(() -> "ACTIVE".equals(rest.bundleState("io.karedge.protocol.mqtt")));
        // the deployment set the features service's start level back; the node moves it again
        await("moved again after the deployment").atMost(Duration.ofSeconds(30))
                .until(() -> node.countInLog(MOVED) == 2);
        Thread.sleep(1000); // Felix records the new level on its start-level thread

        node.kill9();
        figures.put("afterKillS", FaultReport.seconds(node.start()));
        await("still installed after a kill -9").atMost(Duration.ofSeconds(60))
                .until(() -> "ACTIVE".equals(rest.bundleState("io.karedge.protocol.mqtt")));
        assertThat(node.countInLog(MOVED)).as("not moved at the third start: it started at the last level")
                .isEqualTo(2);
        assertThat(node.countInLog("\\| ERROR \\|")).as("no ERROR line in karaf.log").isZero();
        FaultReport.line("features-boot-changed", "a boot feature added while the node was down, then kill -9",
                "3 starts", 0, figures);
    }
}
