package io.karedge.api.node;

import org.osgi.annotation.versioning.ProviderType;

/** Computes the node's status on demand (cheap enough for every shell or REST call). */
@ProviderType
public interface NodeStatusService {

    NodeStatus status();
}
