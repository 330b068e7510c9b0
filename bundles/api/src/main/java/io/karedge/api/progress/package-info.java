/**
 * Progress of long work (a feature deployment, a join, a driver swap, the Uplink draining after a reconnect):
 * the work opens a {@link io.karedge.api.progress.ProgressTask} on the node's
 * {@link io.karedge.api.progress.ProgressTracker} and reports into it; the shell ({@code edge:progress}) and
 * the dashboard read {@link io.karedge.api.progress.TaskProgress} snapshots. Producers should refer to the
 * tracker optionally: work runs the same without it.
 */
@Export
@Version("1.0.0")
package io.karedge.api.progress;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
