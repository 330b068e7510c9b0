/** Durable, per-property versioned device twins. */
@Export
@Version("1.3.0")
package io.karedge.api.twin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
