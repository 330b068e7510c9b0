/** Who may use the node's local HTTP APIs: the node's token, dashboard sessions, allowed hosts and public paths. */
@Export
@Version("1.1.0")
package io.karedge.api.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
