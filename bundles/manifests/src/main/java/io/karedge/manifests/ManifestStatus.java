package io.karedge.manifests;

import org.osgi.annotation.versioning.ProviderType;

/** The manifest source's view of its directory, for status pages, REST and shell commands. */
@ProviderType
public interface ManifestStatus {

    /** @return the result of the latest scan; never {@code null} */
    ManifestReport report();
}
