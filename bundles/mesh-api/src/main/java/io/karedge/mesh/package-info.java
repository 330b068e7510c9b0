/**
 * The mesh proxy as other bundles see it: a read-only status (services, their local listeners, policies,
 * endpoints with health and connections, DNS counters, tunnel peers since 1.3) and name resolution, for the
 * shell and the REST API.
 *
 * <p>{@link io.karedge.mesh.MeshStatus} is implemented by the mesh proxy bundle only ({@code @ProviderType});
 * consumers import the package with a minor-version range.
 */
@Export
@Version("1.3.0")
package io.karedge.mesh;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
