package io.karedge.api.node;

import java.util.List;

/**
 * The health of one Karedge bundle.
 *
 * @param symbolicName          bundle symbolic name
 * @param version               bundle version
 * @param state                 {@code ACTIVE}, {@code RESOLVED}, {@code INSTALLED}, ... ({@code ACTIVE} for
 *                              fragments that are attached)
 * @param unsatisfiedComponents DS components of the bundle that are enabled but not satisfied, with the
 *                              reason (e.g. a missing reference)
 */
public record BundleHealth(String symbolicName, String version, String state, boolean fragment,
                           List<String> unsatisfiedComponents) {

    public BundleHealth {
        unsatisfiedComponents = List.copyOf(unsatisfiedComponents);
    }

    public boolean healthy() {
        return (fragment ? "RESOLVED".equals(state) || "ACTIVE".equals(state) : "ACTIVE".equals(state))
                && unsatisfiedComponents.isEmpty();
    }
}
