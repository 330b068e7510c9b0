package io.karedge.twin.internal;

import java.util.List;

/**
 * A Device of this node as the twin engine needs it.
 *
 * @param id          {@code <namespace>/<name>}
 * @param name        {@code metadata.name}
 * @param description label {@code description}
 * @param desired     the non-empty desired values of {@code spec.properties[]}, in spec order
 */
record MemberDevice(String id, String name, String description, List<Desired> desired) {

    /** A desired value from the spec with the twin type it gets (from the spec's metadata or the model). */
    record Desired(String property, String value, String type) {
    }

    MemberDevice {
        desired = List.copyOf(desired);
    }
}
