/**
 * What the DMI server knows about out-of-process KubeEdge mappers: which mapper serves which protocol,
 * and whether it currently claims that protocol's devices (see {@link io.karedge.dmi.MapperRegistry}).
 */
@Export
@Version("1.1.0")
package io.karedge.dmi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
