/** Kubernetes objects kept on the node: the durable, watchable MetaStore. */
@Export
@Version("1.2.0")
package io.karedge.api.meta;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
