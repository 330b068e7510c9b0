package io.karedge.kube.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The status a pod shows on a node without a pod manager: a standalone node stores Pod manifests but runs
 * them only once pods are on. Instead of no status at all (an empty STATUS column in {@code kubectl get pods}),
 * the pod is {@code Pending} for the reason {@code NoPodManager}, as {@code edge:get pods} shows it.
 */
final class NoPodManagerStatus {

    static final String REASON = "NoPodManager";
    static final String MESSAGE = "this node has no pod manager (feature:install karedge-pods)";

    private NoPodManagerStatus() {
    }

    /** Gives a pod without a status (none, null or empty) the Pending/NoPodManager one; a stored status stays. */
    static void fillIn(ObjectNode pod) {
        JsonNode status = pod.get("status");
        if (status != null && status.isObject() && !status.isEmpty()) {
            return;
        }
        pod.putObject("status").put("phase", "Pending").put("reason", REASON).put("message", MESSAGE);
    }
}
