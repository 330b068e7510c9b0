package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pod's status after a sync: built from what the runtime reported and the containers' tracks, kept as the
 * pod's last status and {@link PodInfo}, and reported to the cloud when it changed (for the pods that are
 * reported at all). Used on the pod's queue.
 */
final class PodStatusPublisher {

    private final Settings settings;
    private final String nodeName;
    private final String hostIp;
    private final StatusReporter reporter;

    PodStatusPublisher(Settings settings, String nodeName, String hostIp, StatusReporter reporter) {
        this.settings = settings;
        this.nodeName = nodeName;
        this.hostIp = hostIp;
        this.reporter = reporter;
    }

    void publish(ManagedPod managed, List<ContainerDescriptor> containers, PodObservation seen,
                 String podReason, String podMessage, boolean terminal, String podIp, Instant now) {
        Pod pod = managed.pod;
        ObjectNode status = StatusBuilder.build(new StatusBuilder.Input(containers, seen, managed.tracks,
                restartPolicy(pod), terminal || managed.killed, hostIp, podIp == null ? sandboxIp(seen) : podIp,
                managed.startTime, podReason, podMessage, managed.lastStatus, now));
        managed.lastStatus = status;
        managed.info = info(managed, status);
        if (!status.equals(managed.lastReported) && shouldReport(managed) && reporter.status(managed.ref, status)) {
            managed.lastReported = status;
        }
    }

    private PodInfo info(ManagedPod managed, ObjectNode status) {
        int ready = 0;
        int restarts = 0;
        int count = 0;
        for (var cs : status.path("containerStatuses")) {
            count++;
            ready += cs.path("ready").asBoolean() ? 1 : 0;
            restarts += cs.path("restartCount").asInt();
        }
        boolean terminating = (managed.deletionRequested() || managed.removed) && !isTerminalPhase(status);
        return new PodInfo(managed.ref, managed.runtimeClass, status.path("phase").asText(), ready, count,
                StatusBuilder.display(status, terminating), restarts, created(managed.pod),
                status.path("podIP").asText(null), nodeName, status);
    }

    /** @return whether the pod's status and deletion go to the cloud (its own pods, or all when configured) */
    boolean shouldReport(ManagedPod managed) {
        return settings.reportLocalPods() || "cloud".equals(managed.source);
    }

    /** @return the pod's address: its sandbox's, or the node's for a sandbox without one (host network) */
    String sandboxIp(PodObservation seen) {
        if (seen == null || seen.sandbox() == null) {
            return null;
        }
        String ip = seen.sandbox().ip();
        return ip == null || ip.isEmpty() ? hostIp : ip;
    }

    static boolean isTerminalPhase(ObjectNode status) {
        String phase = status == null ? "" : status.path("phase").asText();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    static String restartPolicy(Pod pod) {
        String policy = pod.getSpec().getRestartPolicy();
        return policy == null || policy.isBlank() ? "Always" : policy;
    }

    /** The containers as declared, without resolving anything (for statuses when a pod cannot run). */
    static List<ContainerDescriptor> plainContainers(Pod pod) {
        return pod.getSpec().getContainers().stream().map(c -> new ContainerDescriptor(c.getName(), c.getImage(),
                c.getImagePullPolicy(), List.of(), List.of(), null, Map.of(), List.of(), List.of(),
                PodSpecReader.resources(c.getResources()), false)).toList();
    }

    static Instant created(Pod pod) {
        String created = pod.getMetadata().getCreationTimestamp();
        try {
            return created == null ? null : Instant.parse(created);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
