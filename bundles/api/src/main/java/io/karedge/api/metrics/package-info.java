/**
 * Figures the node's parts keep for themselves at the source, cheap enough for every hot path, and read as
 * snapshots by whoever reports them (the {@code /metrics} endpoint).
 */
@Export
@Version("1.0.0")
package io.karedge.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
