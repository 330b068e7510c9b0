package io.karedge.api.node;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** Who this node is: its name as Kubernetes knows it, its mode, and where its data lives. */
@ProviderType
public interface EdgeNode {

    /** @return the node name (operator-configured, else the host name, lower-cased) */
    String nodeName();

    NodeMode mode();

    /** @return the directory that holds the node's durable state */
    Path dataDirectory();
}
