package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Where {@code edge:get pods} reads the live status of a pod: the pod manager when it runs. The stored Pod
 * of a local manifest has no status of its own, and one the cloud sent may be older than what the node knows.
 */
interface PodStatuses {

    /** No pod manager on this node. */
    PodStatuses NONE = new PodStatuses() {
        @Override
        public boolean running() {
            return false;
        }

        @Override
        public Optional<JsonNode> status(String namespace, String name) {
            return Optional.empty();
        }
    };

    /** @return whether a pod manager runs the pods of this node */
    boolean running();

    /** @return the pod's status as the pod manager computed it, if it knows the pod */
    Optional<JsonNode> status(String namespace, String name);

    /** @return how the pods of the last run came back after this start, as one line for people */
    default Optional<String> restore() {
        return Optional.empty();
    }
}
