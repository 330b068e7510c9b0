/**
 * Pods on this node: the {@link io.karedge.pod.PodRuntime} service provider interface that container and
 * other runtimes implement, the values passed across it, and the pod manager's read-only view for the
 * shell and REST.
 */
@Export
@Version("1.2.0")
package io.karedge.pod;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
