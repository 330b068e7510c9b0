/** Who this node is and where it keeps its data. */
@Export
@Version("1.1.0")
package io.karedge.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
