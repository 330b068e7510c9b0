/**
 * What the device manager is doing, for the shell and REST: the protocol drivers it knows and the state of
 * every device it runs; and device scans by the drivers that offer discovery ({@link DriverDiscovery}).
 */
@Export
@Version("1.4.0")
package io.karedge.device.manager;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
