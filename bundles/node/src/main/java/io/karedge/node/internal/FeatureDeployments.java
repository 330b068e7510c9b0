package io.karedge.node.internal;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
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
 * Reports the features service's deployments ({@code feature:install} from the shell, a feature pod, a
 * driver's feature) as {@code feature-install} tasks: the four steps Karaf tells its deployment listeners
 * (resolving, bundles installed, bundles resolved and starting, finished) and the features installed. Karaf
 * reports no failed deployment; one that never finished is ended as failed when the next one starts.
 *
 * <p>It follows features only from the first deployment on: registering a {@link FeaturesListener} makes
 * Karaf replay every repository, which parses each features XML (JAXB, the Maven resolver) on every start of
 * the node; a deployment parses them anyway, so the listener costs nothing more then.
 */
@Component(service = {}, immediate = true, property = "karedge.optional.part=features service")
public final class FeatureDeployments implements DeploymentListener, FeaturesListener {

    static final int STEPS = 4;
    static final int MAX_FEATURES_NAMED = 20;

    private final FeaturesService features;
    private final ProgressTracker tracker;
    private final List<String> installed = new ArrayList<>();
    private int moreInstalled;
    private ProgressTask task;
    private boolean followingFeatures;

    @Activate
    public FeatureDeployments(@Reference(name = "features") FeaturesService features,
                              @Reference(name = "tracker") ProgressTracker tracker) {
        this(tracker, features);
        features.registerListener((DeploymentListener) this);
    }

    FeatureDeployments(ProgressTracker tracker, FeaturesService features) {
        this.features = features;
        this.tracker = tracker;
    }

    @Deactivate
    void stop() {
        features.unregisterListener((DeploymentListener) this);
        synchronized (this) {
            if (followingFeatures) {
                features.unregisterListener((FeaturesListener) this);
            }
        }
        synchronized (this) {
            if (task != null) {
                task.failed("no longer followed: the node's progress reporting stopped");
                task = null;
            }
        }
    }

    @Override
    public synchronized void deploymentEvent(DeploymentEvent event) {
        if (event == DeploymentEvent.DEPLOYMENT_STARTED) {
            if (task != null) {
                task.failed("did not finish (Karaf reports no failure: see its log); a new deployment started");
            }
            installed.clear();
            moreInstalled = 0;
            task = tracker.start(ProgressTracker.FEATURE_INSTALL, "feature deployment", STEPS, ProgressTask.STEPS);
            followFeatures();
        } else if (task == null) {
            return; // the tail of a deployment that started before this listener: nothing to follow
        }
        task.phase(describe(event) + installedSoFar());
        // the last step is starting the bundles: done when the deployment finishes
        task.done(event == DeploymentEvent.DEPLOYMENT_FINISHED ? STEPS : event.ordinal());
        if (event == DeploymentEvent.DEPLOYMENT_FINISHED) {
            task.succeeded(installed.isEmpty() ? "no feature added" : "installed " + installedSoFar().substring(2));
            task = null;
        }
    }

    /** From the first deployment on, the features it installs are named (the replayed ones are not). */
    private void followFeatures() {
        if (!followingFeatures && features != null) {
            followingFeatures = true;
            features.registerListener((FeaturesListener) this);
        }
    }

    @Override
    public synchronized void featureEvent(FeatureEvent event) {
        if (event.isReplay() || event.getType() != FeatureEvent.EventType.FeatureInstalled || task == null) {
            return;
        }
        if (installed.size() < MAX_FEATURES_NAMED) {
            installed.add(event.getFeature().getName() + "/" + event.getFeature().getVersion());
        } else {
            moreInstalled++;
        }
    }

    @Override
    public void repositoryEvent(RepositoryEvent event) {
        // repositories added or removed are not steps of a deployment
    }

    private String installedSoFar() {
        if (installed.isEmpty()) {
            return "";
        }
        return "; " + String.join(", ", installed) + (moreInstalled > 0 ? " and " + moreInstalled + " more" : "");
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
