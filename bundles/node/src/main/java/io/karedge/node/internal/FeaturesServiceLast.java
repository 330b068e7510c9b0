package io.karedge.node.internal;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.DeploymentEvent;
import org.apache.karaf.features.DeploymentListener;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the boot features are installed, moves Karaf's features service to the framework's last start level, so
 * that on every later start the node's own bundles serve REST and MQTT before the features service reads its
 * state and the features XML (about 0.3 s sooner; bench/README.md, "Footprint"). The first start is left as
 * Karaf makes it: the features service starts early (start level 15, {@code etc/startup.properties}) and
 * installs the boot features, and only then is it moved, once the framework has reached its last start level
 * (moved earlier, the features service would be stopped until the framework got there). A running node sees no
 * change: a bundle whose level is the framework's active one keeps running. A changed {@code featuresBoot} is
 * still applied on the next start, once the features service has started ({@link AddedBootFeatures}).
 *
 * <p>Every deployment ({@code feature:install}, a feature pod) sets the start levels of the bundles of the
 * installed features back to what their features say, the features service's to 15; so the move is made again
 * after each one.
 */
@Component(immediate = true, service = {}, property = "karedge.optional.part=features service")
public final class FeaturesServiceLast implements FrameworkListener, DeploymentListener {

    static final String FEATURES_SERVICE = "org.apache.karaf.features.core";
    private static final String BEGINNING = "org.osgi.framework.startlevel.beginning";
    private static final Logger LOG = LoggerFactory.getLogger(FeaturesServiceLast.class);

    private final BundleContext context;
    private final FeaturesService features;
    private boolean bootFinished;
    private boolean moved;

    @Activate
    public FeaturesServiceLast(BundleContext context, @Reference(name = "features") FeaturesService features) {
        this.context = context;
        this.features = features;
        context.addFrameworkListener(this);
        features.registerListener((DeploymentListener) this);
        moveOnceAtLastLevel();
    }

    @Override
    public synchronized void deploymentEvent(DeploymentEvent event) {
        if (event == DeploymentEvent.DEPLOYMENT_FINISHED && moved) {
            moved = false; // the deployment may have set the level back
            moveOnceAtLastLevel();
        }
    }

    /**
     * Karaf registers {@link BootFinished} once the boot features are installed. Optional (and dynamic), so the
     * node does not require Karaf's features service to resolve or to run.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindBootFinished(BootFinished finished) {
        bootFinished = true;
        if (context != null) {
            moveOnceAtLastLevel();
        }
    }

    synchronized void unbindBootFinished(BootFinished finished) {
        // the features service stopped or went; the move, if made, stays
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(this);
        features.unregisterListener((DeploymentListener) this);
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED || event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
            moveOnceAtLastLevel();
        }
    }

    private synchronized void moveOnceAtLastLevel() {
        if (moved || !bootFinished) {
            return;
        }
        FrameworkStartLevel framework = context.getBundle(0).adapt(FrameworkStartLevel.class);
        if (framework == null || framework.getStartLevel() < lastStartLevel(context)) {
            return; // still climbing: moved when it gets there
        }
        moved = true;
        moveToLastStartLevel(context);
    }

    /** @return the features service's start level afterwards, or -1 when there is no such bundle */
    static int moveToLastStartLevel(BundleContext context) {
        int last = lastStartLevel(context);
        for (Bundle bundle : context.getBundles()) {
            if (FEATURES_SERVICE.equals(bundle.getSymbolicName())) {
                BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
                if (level != null && level.getStartLevel() < last) {
                    int before = level.getStartLevel();
                    level.setStartLevel(last);
                    LOG.info("Karaf's features service moves from start level {} to {}: from the next start on it"
                            + " starts after the node's bundles", before, last);
                }
                return level == null ? -1 : level.getStartLevel();
            }
        }
        return -1;
    }

    /**
     * The level the framework starts to, {@code org.osgi.framework.startlevel.beginning} of Karaf's
     * {@code config.properties} (100). Karaf's launcher keeps it as a system property and gives the framework
     * its lock level (1) under that name instead, raising the level itself once it holds the lock.
     */
    static int lastStartLevel(BundleContext context) {
        String beginning = System.getProperty(BEGINNING);
        if (beginning == null) {
            beginning = context.getProperty(BEGINNING);
        }
        try {
            return beginning == null ? 100 : Math.max(1, Integer.parseInt(beginning.trim()));
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
