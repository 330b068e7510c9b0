/** Who this node is, where it keeps its data, and what it publishes on its Node (since 1.2). */
@Export
@Version("1.2.0")
package io.karedge.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
