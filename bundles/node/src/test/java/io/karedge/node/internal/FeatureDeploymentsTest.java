package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.features.DeploymentEvent;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeatureEvent;
import org.apache.karaf.features.FeaturesService;
import org.junit.jupiter.api.Test;

class FeatureDeploymentsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final ProgressTrackerComponent tracker = new ProgressTrackerComponent(clock);
    private final FeatureDeployments deployments = new FeatureDeployments(tracker, null);

    @Test
    void nothingBeforeTheFirstDeploymentAndNothingForTheTailOfOneStartedBefore() {
        deployments.deploymentEvent(DeploymentEvent.BUNDLES_RESOLVED);
        deployments.deploymentEvent(DeploymentEvent.DEPLOYMENT_FINISHED);
        assertThat(tracker.tasks()).isEmpty();
    }

    @Test
    void followsTheStepsOfADeploymentAndItsFeatures() {
        deployments.deploymentEvent(DeploymentEvent.DEPLOYMENT_STARTED);
        clock.advance(Duration.ofMillis(1500));
        deployments.deploymentEvent(DeploymentEvent.BUNDLES_INSTALLED);
        deployments.featureEvent(installed("karedge-protocol-modbus", "0.1.0", false));
        deployments.featureEvent(installed("scr", "4.4.10", true));
        deployments.deploymentEvent(DeploymentEvent.BUNDLES_RESOLVED);

        TaskProgress running = tracker.tasks().get(0);
        assertThat(running.kind()).isEqualTo(ProgressTracker.FEATURE_INSTALL);
        assertThat(running.state()).isEqualTo(TaskState.RUNNING);
        assertThat(running.phase()).isEqualTo("bundles resolved, starting them; karedge-protocol-modbus/0.1.0");
        assertThat(running.done()).isEqualTo(2);
        assertThat(running.total()).isEqualTo(FeatureDeployments.STEPS);
        assertThat(running.percent()).isEqualTo(50.0);
        assertThat(running.elapsed()).isEqualTo(Duration.ofMillis(1500));

        clock.advance(Duration.ofSeconds(1));
        deployments.deploymentEvent(DeploymentEvent.DEPLOYMENT_FINISHED);
        clock.advance(Duration.ofSeconds(30));

        TaskProgress done = tracker.tasks().get(0);
        assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(done.message()).isEqualTo("installed karedge-protocol-modbus/0.1.0");
        assertThat(done.done()).as("all steps done").isEqualTo(FeatureDeployments.STEPS);
        assertThat(done.percent()).isEqualTo(100.0);
        assertThat(done.elapsed()).as("the deployment's duration, not the time since").isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void aDeploymentThatNeverFinishedFailsWhenTheNextStarts() {
        deployments.deploymentEvent(DeploymentEvent.DEPLOYMENT_STARTED);
        deployments.featureEvent(installed("broken", "1.0.0", false));
        deployments.deploymentEvent(DeploymentEvent.DEPLOYMENT_STARTED);
        deployments.deploymentEvent(DeploymentEvent.DEPLOYMENT_FINISHED);

        assertThat(tracker.tasks()).extracting(TaskProgress::state)
                .containsExactly(TaskState.SUCCEEDED, TaskState.FAILED);
        assertThat(tracker.tasks().get(0).message()).as("a new deployment starts a new list")
                .isEqualTo("no feature added");
        assertThat(tracker.tasks().get(1).message()).contains("did not finish");
    }

    @Test
    void followsFeaturesOnlyFromTheFirstDeploymentSoAStartParsesNoFeaturesXml() {
        List<String> calls = new ArrayList<>();
        FeaturesService service = (FeaturesService) Proxy.newProxyInstance(FeaturesService.class.getClassLoader(),
                new Class<?>[] {FeaturesService.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + " " + method.getParameterTypes()[0].getSimpleName());
                    return null;
                });
        FeatureDeployments started = new FeatureDeployments(service, tracker);
        assertThat(calls).as("activation: deployments only").containsExactly("registerListener DeploymentListener");

        started.deploymentEvent(DeploymentEvent.DEPLOYMENT_STARTED);
        started.deploymentEvent(DeploymentEvent.DEPLOYMENT_FINISHED);
        started.deploymentEvent(DeploymentEvent.DEPLOYMENT_STARTED);
        assertThat(calls).as("the features listener once, at the first deployment")
                .containsExactly("registerListener DeploymentListener", "registerListener FeaturesListener");

        started.stop();
        assertThat(calls).endsWith("unregisterListener DeploymentListener", "unregisterListener FeaturesListener");
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
}
