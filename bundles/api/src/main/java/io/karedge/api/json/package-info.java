/** The JSON conventions every Karedge bundle shares. */
@Export
@Version("1.0.0")
package io.karedge.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
