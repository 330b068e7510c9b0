package io.karedge.rest.internal;

/**
 * Component properties read by the node's health report ({@code edge:status}, {@code /api/v1/status}). A
 * component marked {@code karedge.optional.part=<part>} serves an optional part of the node: while that part
 * is not installed its missing reference is not a fault (the part's own bundle reports its health once it is
 * installed). A failed activation still counts.
 */
final class HealthProperties {

    static final String OPTIONAL_POD_MANAGER = "karedge.optional.part=pod manager";
    static final String OPTIONAL_MESH_PROXY = "karedge.optional.part=mesh proxy";
    static final String OPTIONAL_DMI = "karedge.optional.part=dmi";
    static final String OPTIONAL_DEVICE_MANAGER = "karedge.optional.part=device manager";

    private HealthProperties() {
    }
}
