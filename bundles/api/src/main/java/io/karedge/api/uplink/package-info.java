/** The durable, ordered outbox of everything the cloud must learn. */
@Export
@Version("1.1.0")
package io.karedge.api.uplink;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
