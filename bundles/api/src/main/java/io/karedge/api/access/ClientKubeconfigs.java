package io.karedge.api.access;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Kubeconfigs for named people and tools that prove themselves to the node's local Kubernetes API with a
 * client certificate instead of the node's bearer token. The certificate and its key are made on the node and
 * signed by the node's own client authority, which the API trusts (and no other).
 *
 * @since 1.1
 */
@ProviderType
public interface ClientKubeconfigs {

    /**
     * Issues a client certificate and key for {@code user} and writes a kubeconfig (mode 0600) that uses them.
     *
     * @param user the client's name, the certificate's CN: 1-64 letters, digits, {@code . _ @ -}
     * @param file where to write the kubeconfig (replaced when it exists)
     * @throws IllegalArgumentException for a name that is not such an identifier
     * @throws IllegalStateException    when the API does not serve HTTPS or is not running
     * @throws IOException              when the certificate or the file cannot be made
     */
    void write(String user, Path file) throws IOException;
}
