package io.karedge.node.internal;

import io.karedge.api.node.BundleHealth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** Reads the state of the Karedge bundles and of their DS components. */
final class BundleHealthReader {

    static final String KAREDGE_PREFIX = "io.karedge.";

    /**
     * Component property of a component that serves an optional part of the node (value: the part, e.g.
     * {@code pod manager}): waiting for that part's service is not a fault while the part is not installed.
     */
    static final String OPTIONAL_PART = "karedge.optional.part";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    BundleHealthReader(BundleContext context, ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    List<BundleHealth> read() {
        List<BundleHealth> result = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name != null && name.startsWith(KAREDGE_PREFIX)) {
                result.add(healthOf(bundle));
            }
        }
        result.sort(Comparator.comparing(BundleHealth::symbolicName));
        return result;
    }

    private BundleHealth healthOf(Bundle bundle) {
        boolean fragment = bundle.adapt(BundleRevision.class) != null
                && (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
        return new BundleHealth(bundle.getSymbolicName(), bundle.getVersion().toString(),
                stateName(bundle.getState()), fragment, unsatisfiedComponents(bundle));
    }

    private List<String> unsatisfiedComponents(Bundle bundle) {
        List<String> problems = new ArrayList<>();
        if (bundle.getState() != Bundle.ACTIVE) {
            return problems;
        }
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            if (!scr.isComponentEnabled(description)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                describeProblem(description, configuration, problems);
            }
        }
        return problems;
    }

    static void describeProblem(ComponentDescriptionDTO description, ComponentConfigurationDTO configuration,
                                List<String> problems) {
        switch (configuration.state) {
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> {
                if (isOptionalPart(description)) {
                    // an optional part that is not installed; its own bundle reports once it is
                    return;
                }
                List<String> missing = new ArrayList<>();
                for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
                    missing.add(reference.name);
                }
                problems.add(description.name + ": missing " + String.join(", ", missing));
            }
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION ->
                    problems.add(description.name + ": waiting for configuration");
            case ComponentConfigurationDTO.FAILED_ACTIVATION ->
                    problems.add(description.name + ": activation failed: " + configuration.failure);
            default -> {
                // satisfied or active
            }
        }
    }

    private static boolean isOptionalPart(ComponentDescriptionDTO description) {
        Object part = description.properties == null ? null : description.properties.get(OPTIONAL_PART);
        return part != null && !String.valueOf(part).isBlank();
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN";
        };
    }
}
