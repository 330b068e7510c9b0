/**
 * The state of the node's link to a KubeEdge CloudCore, for shells, REST resources and health checks.
 * The cloud bridge provides {@link io.karedge.cloud.bridge.CloudLinkStatus}; other bundles only read it.
 */
@Export
@Version("1.4.0")
package io.karedge.cloud.bridge;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
