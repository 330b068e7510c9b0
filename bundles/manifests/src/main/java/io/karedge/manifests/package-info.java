/** Status of the standalone manifest source: which files were read, what they applied, what was wrong. */
@Export
@Version("1.0.0")
package io.karedge.manifests;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
