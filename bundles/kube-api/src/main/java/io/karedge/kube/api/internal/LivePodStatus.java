package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The live {@code status} of a pod this node runs, where there is one (the pod manager's). */
public interface LivePodStatus {

    Optional<ObjectNode> status(String namespace, String name);
}
