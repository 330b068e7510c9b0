package io.karedge.dashboard.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.features.DeploymentEvent;
import org.apache.karaf.features.DeploymentListener;
import org.apache.karaf.features.FeatureEvent;
import org.apache.karaf.features.FeaturesListener;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.RepositoryEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Where the features service is in a deployment (a {@code feature:install} from the shell, a feature pod,
 * a driver swap): resolving, bundles installed, bundles resolved and starting, finished; the features
 * installed so far; how long it has run. Karaf reports these steps to its deployment listeners.
 */
@Component(service = FeatureProgress.class, property = "karedge.optional.part=features service")
public class FeatureProgress implements DeploymentListener, FeaturesListener {

    static final int MAX_FEATURES_LISTED = 50;

    private final FeaturesService features;
    private final Clock clock;
    private DeploymentEvent phase;
    private Instant startedAt;
    private Instant finishedAt;
    private final List<String> installed = new ArrayList<>();

    @Activate
    public FeatureProgress(@Reference(name = "features") FeaturesService features) {
        this(features, Clock.systemUTC());
        features.registerListener((DeploymentListener) this);
        features.registerListener((FeaturesListener) this);
    }

    FeatureProgress(FeaturesService features, Clock clock) {
        this.features = features;
        this.clock = clock;
    }

    @Deactivate
    void stop() {
        features.unregisterListener((DeploymentListener) this);
        features.unregisterListener((FeaturesListener) this);
    }

    @Override
    public synchronized void deploymentEvent(DeploymentEvent event) {
        if (event != DeploymentEvent.DEPLOYMENT_STARTED && startedAt == null) {
            return; // the tail of a deployment that started before this listener: nothing to time it by
        }
        if (event == DeploymentEvent.DEPLOYMENT_STARTED) {
            startedAt = clock.instant();
            finishedAt = null;
            installed.clear();
        } else if (event == DeploymentEvent.DEPLOYMENT_FINISHED) {
            finishedAt = clock.instant();
        }
        phase = event;
    }

    @Override
    public synchronized void featureEvent(FeatureEvent event) {
        if (!event.isReplay() && event.getType() == FeatureEvent.EventType.FeatureInstalled
                && startedAt != null && finishedAt == null && installed.size() < MAX_FEATURES_LISTED) {
            installed.add(event.getFeature().getName() + "/" + event.getFeature().getVersion());
        }
    }

    @Override
    public void repositoryEvent(RepositoryEvent event) {
        // repositories added or removed are not steps of a deployment
    }

    /** @return {@code {"running","step","stepNumber","steps","startedAt","seconds","installed":[...]}}, or {@code {"running":false}} before any */
    synchronized ObjectNode json() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("running", startedAt != null && finishedAt == null);
        if (phase == null) {
            return node;
        }
        node.put("step", describe(phase)).put("stepNumber", phase.ordinal() + 1).put("steps", 4);
        node.put("startedAt", startedAt.toString());
        node.put("seconds", Duration.between(startedAt, finishedAt == null ? clock.instant() : finishedAt)
                .toMillis() / 1000.0);
        installed.forEach(node.putArray("installed")::add);
        return node;
    }

    static String describe(DeploymentEvent event) {
        return switch (event) {
            case DEPLOYMENT_STARTED -> "resolving features";
            case BUNDLES_INSTALLED -> "bundles installed, resolving them";
            case BUNDLES_RESOLVED -> "bundles resolved, starting them";
            case DEPLOYMENT_FINISHED -> "finished";
        };
    }
}
