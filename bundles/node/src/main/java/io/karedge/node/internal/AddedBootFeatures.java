package io.karedge.node.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karaf installs {@code featuresBoot} ({@code etc/org.apache.karaf.features.cfg}) on a node's first start only:
 * once its boot is done, it no longer reads the list. So, once Karaf says the boot finished, on every start,
 * the features the list names that are not installed are installed here: a feature added to the list while the
 * node was down is there after its next start, as an operator who edits the file expects. The install shows as
 * a {@code feature-install} task like any deployment. Removing a feature from the list uninstalls nothing
 * ({@code feature:uninstall} does), as in Karaf.
 *
 * <p>Looking features up reads every feature repository (JAXB, the Maven resolver), which a restarted node
 * otherwise never does. So the list is checked only when it differs from the one last checked, kept in the
 * bundle's data area ({@value #APPLIED_FILE}).
 */
@Component(service = {}, immediate = true, property = "karedge.optional.part=features service")
public final class AddedBootFeatures {

    static final String FEATURES_PID = "org.apache.karaf.features";
    static final String APPLIED_FILE = "features-boot.checked";
    private static final Logger LOG = LoggerFactory.getLogger(AddedBootFeatures.class);

    private final FeaturesService features;
    private final ConfigurationAdmin configurations;
    private final java.nio.file.Path checkedFile;
    private boolean checked;
    private volatile Thread installer;

    @Activate
    public AddedBootFeatures(BundleContext context, @Reference(name = "features") FeaturesService features,
                             @Reference(name = "configurations") ConfigurationAdmin configurations) {
        this(features, configurations, context.getDataFile(APPLIED_FILE).toPath());
    }

    AddedBootFeatures(FeaturesService features, ConfigurationAdmin configurations, java.nio.file.Path checkedFile) {
        this.features = features;
        this.configurations = configurations;
        this.checkedFile = checkedFile;
    }

    /** Karaf registers {@link BootFinished} once its own boot step is over (at once on a later start). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindBootFinished(BootFinished finished) {
        if (checked) {
            return;
        }
        checked = true;
        Thread thread = new Thread(this::installMissing, "karedge-boot-features");
        thread.setDaemon(true);
        installer = thread;
        thread.start();
    }

    synchronized void unbindBootFinished(BootFinished finished) {
        // nothing to undo
    }

    @Deactivate
    void deactivate() {
        Thread running = installer;
        if (running != null) {
            running.interrupt();
        }
    }

    /** @return the features installed here (empty when none was missing or the install failed) */
    List<String> installMissing() {
        List<String> missing = new ArrayList<>();
        try {
            String list = bootList();
            if (list.equals(lastChecked())) {
                return missing;
            }
            for (String spec : parse(list)) {
                Feature feature = feature(spec);
                if (feature == null) {
                    LOG.warn("Boot feature {} (featuresBoot of {}) is in none of the node's feature repositories;"
                            + " not installed", spec, FEATURES_PID);
                } else if (!features.isInstalled(feature)) {
                    missing.add(spec);
                }
            }
            if (!missing.isEmpty()) {
                LOG.info("Installing the boot features added since the node's first start: {}", missing);
                features.installFeatures(new LinkedHashSet<>(missing), EnumSet.noneOf(FeaturesService.Option.class));
                LOG.info("Boot features installed: {}", missing);
            }
            java.nio.file.Files.writeString(checkedFile, list);
            return missing;
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                return List.of();
            }
            LOG.warn("Could not install the boot features {} added since the node's first start: {}", missing,
                    e.toString());
            return List.of();
        }
    }

    private String lastChecked() {
        try {
            return java.nio.file.Files.exists(checkedFile) ? java.nio.file.Files.readString(checkedFile) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private String bootList() throws IOException {
        Configuration configuration = configurations.getConfiguration(FEATURES_PID, null);
        Dictionary<String, Object> properties = configuration.getProperties();
        Object value = properties == null ? null : properties.get("featuresBoot");
        return value == null ? "" : value.toString();
    }

    private Feature feature(String spec) throws Exception {
        int slash = spec.indexOf('/');
        return slash < 0 ? features.getFeature(spec) : features.getFeature(spec.substring(0, slash),
                spec.substring(slash + 1));
    }

    /**
     * The features of a {@code featuresBoot} value: comma-separated {@code name} or {@code name/version}, in
     * stages Karaf installs one after the other when parenthesized ({@code (a, b), c}); the stages do not matter
     * for what is missing.
     */
    static Set<String> parse(String featuresBoot) {
        Set<String> specs = new LinkedHashSet<>();
        for (String part : featuresBoot.replace('(', ',').replace(')', ',').split(",")) {
            String spec = part.trim();
            if (!spec.isEmpty()) {
                specs.add(spec);
            }
        }
        return specs;
    }
}
