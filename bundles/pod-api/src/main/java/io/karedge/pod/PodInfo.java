package io.karedge.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One pod as the pod manager sees it, for listings ({@code kubectl get pods -o wide} columns).
 *
 * @param ref          uid, namespace and name
 * @param runtimeClass the runtime class it runs on
 * @param phase        {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed}
 * @param ready        ready containers
 * @param containers   all containers
 * @param display      the STATUS column: a container's waiting or terminated reason if any, else the phase
 *                     ({@code Terminating} while being deleted)
 * @param restarts     restarts of all containers
 * @param created      the pod's creation time, or {@code null}
 * @param podIp        the pod's address, or {@code null}
 * @param nodeName     the node
 * @param status       the pod's {@code status} as reported to the cloud (a copy)
 */
public record PodInfo(PodRef ref, String runtimeClass, String phase, int ready, int containers, String display,
                      int restarts, Instant created, String podIp, String nodeName, ObjectNode status) {

    public PodInfo {
        Objects.requireNonNull(ref, "ref");
        status = status == null ? null : status.deepCopy();
    }
}
