package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.karedge.api.meta.ObjectKey;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One pod the manager runs. The latest Pod object and the deletion flag are set from watch threads; all
 * other fields belong to the pod's serial queue.
 */
final class ManagedPod {

    final ObjectKey key;
    final PodRef ref;
    final SerialQueue queue;
    final AtomicBoolean syncQueued = new AtomicBoolean();

    volatile Pod pod;
    volatile String source;
    /** the pod left the MetaStore (or this node): kill, report, forget */
    volatile boolean removed;
    volatile PodInfo info;

    // --- queue-confined
    final Map<String, ContainerTrack> tracks = new HashMap<>();
    ObjectNode lastStatus;
    ObjectNode lastReported;
    boolean killed;
    boolean deletionReported;
    boolean forgotten;
    Instant startTime;
    /** what the runtime reported at the end of the last sync, {@code null} before the first */
    PodObservation lastSeen;
    /** the sandbox's last failure as logged, {@code null} once a sandbox is there */
    String sandboxProblem;
    String runtimeClass;
    ScheduledFuture<?> nextSync;
    /** what {@link PodOrigins} recorded last, {@code null} before */
    String origin;
    /** not started because its manifest is gone */
    boolean heldBack;

    ManagedPod(ObjectKey key, PodRef ref, SerialQueue queue, Pod pod, String source) {
        this.key = key;
        this.ref = ref;
        this.queue = queue;
        this.pod = pod;
        this.source = source;
    }

    /** The container's track, made with the back-offs of {@code settings} when it is first asked for. */
    ContainerTrack track(String name, Settings settings) {
        return tracks.computeIfAbsent(name, n -> new ContainerTrack(
                Duration.ofMillis(settings.backoffInitialMillis()), Duration.ofMillis(settings.backoffMaxMillis())));
    }

    boolean deletionRequested() {
        Pod current = pod;
        return current.getMetadata().getDeletionTimestamp() != null
                && !current.getMetadata().getDeletionTimestamp().isBlank();
    }
}
