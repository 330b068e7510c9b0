package io.karedge.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.karaf.features.DeploymentEvent;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeatureEvent;
import org.junit.jupiter.api.Test;

class FeatureProgressTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final FeatureProgress progress = new FeatureProgress(null, clock);

    @Test
    void nothingBeforeTheFirstDeployment() {
        assertThat(progress.json().path("running").asBoolean()).isFalse();
        assertThat(progress.json().has("step")).isFalse();
    }

    @Test
    void theTailOfADeploymentStartedBeforeIsIgnored() {
        progress.deploymentEvent(DeploymentEvent.BUNDLES_RESOLVED);
        progress.deploymentEvent(DeploymentEvent.DEPLOYMENT_FINISHED);

        assertThat(progress.json().path("running").asBoolean()).isFalse();
        assertThat(progress.json().has("step")).isFalse();
    }

    @Test
    void followsTheStepsOfADeploymentAndItsFeatures() {
        progress.deploymentEvent(DeploymentEvent.DEPLOYMENT_STARTED);
        clock.advance(Duration.ofMillis(1500));
        progress.deploymentEvent(DeploymentEvent.BUNDLES_INSTALLED);
        progress.featureEvent(installed("karedge-protocol-modbus", "0.1.0", false));
        progress.featureEvent(installed("scr", "4.4.10", true));

        ObjectNode running = progress.json();
        assertThat(running.path("running").asBoolean()).isTrue();
        assertThat(running.path("step").asText()).isEqualTo("bundles installed, resolving them");
        assertThat(running.path("stepNumber").asInt()).isEqualTo(2);
        assertThat(running.path("seconds").asDouble()).isEqualTo(1.5);
        assertThat(running.path("installed").toString()).isEqualTo("[\"karedge-protocol-modbus/0.1.0\"]");

        progress.deploymentEvent(DeploymentEvent.BUNDLES_RESOLVED);
        clock.advance(Duration.ofSeconds(1));
        progress.deploymentEvent(DeploymentEvent.DEPLOYMENT_FINISHED);
        clock.advance(Duration.ofSeconds(30));

        ObjectNode done = progress.json();
        assertThat(done.path("running").asBoolean()).isFalse();
        assertThat(done.path("step").asText()).isEqualTo("finished");
        assertThat(done.path("seconds").asDouble()).as("the deployment's duration, not the time since")
                .isEqualTo(2.5);

        progress.deploymentEvent(DeploymentEvent.DEPLOYMENT_STARTED);
        assertThat(progress.json().path("installed").size()).as("a new deployment starts a new list").isZero();
    }

    private static FeatureEvent installed(String name, String version, boolean replay) {
        Feature feature = (Feature) Proxy.newProxyInstance(Feature.class.getClassLoader(), new Class<?>[] {Feature.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getName" -> name;
                    case "getVersion" -> version;
                    case "toString" -> name + "/" + version;
                    default -> null;
                });
        return new FeatureEvent(FeatureEvent.EventType.FeatureInstalled, feature, "root", replay);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
