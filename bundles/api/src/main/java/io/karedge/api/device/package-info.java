/** KubeEdge Device and DeviceModel (devices.kubeedge.io/v1beta1) as typed, immutable classes. */
@Export
@Version("1.2.0")
package io.karedge.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
