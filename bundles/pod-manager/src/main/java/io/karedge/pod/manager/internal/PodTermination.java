package io.karedge.pod.manager.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.karedge.api.meta.ObjectKey;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a pod that is being deleted or left the node: its containers stopped within the pod's grace
 * period (once its runtime is there, if it ran here before), the final status, the deletion reported to the
 * cloud, and for a pod that left the store its data removed and the pod forgotten. Used on the pod's queue.
 */
final class PodTermination {

    /** Logs as the pod manager, whose lines these have always been. */
    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

    private final Settings settings;
    private final Path podsDirectory;
    private final Clock clock;
    private final Map<ObjectKey, ManagedPod> pods;
    private final PodStatusPublisher publisher;
    private final StatusReporter reporter;
    private final BiConsumer<ManagedPod, Instant> syncAt;

    /**
     * @param pods   the manager's pods, from which a removed pod is dropped at the end
     * @param syncAt schedules the pod's next sync at the time given
     */
    PodTermination(Settings settings, Path podsDirectory, Clock clock, Map<ObjectKey, ManagedPod> pods,
                   PodStatusPublisher publisher, StatusReporter reporter, BiConsumer<ManagedPod, Instant> syncAt) {
        this.settings = settings;
        this.podsDirectory = podsDirectory;
        this.clock = clock;
        this.pods = pods;
        this.publisher = publisher;
        this.reporter = reporter;
        this.syncAt = syncAt;
    }

    void terminate(ManagedPod managed, PodRuntime runtime, Instant now) {
        Pod pod = managed.pod;
        List<ContainerDescriptor> containers = PodStatusPublisher.plainContainers(pod);
        PodObservation seen = null;
        if (!managed.killed && runtime == null && !managed.removed
                && Files.isRegularFile(podsDirectory.resolve(managed.ref.uid()).resolve("pod.json"))) {
            // it ran here before (this start came before its runtime): it is stopped once the runtime is back
            syncAt.accept(managed, now.plusMillis(settings.syncPeriodMillis()));
            return;
        }
        if (!managed.killed) {
            if (runtime != null) {
                try {
                    seen = runtime.kill(managed.ref, PodSpecReader.gracePeriod(pod));
                } catch (PodRuntimeException | RuntimeException e) {
                    LOG.warn("Cannot stop pod {}: {}; trying again", managed.ref, e.getMessage());
                    syncAt.accept(managed, now.plusMillis(settings.syncPeriodMillis()));
                    return;
                }
            }
            managed.killed = true;
            managed.tracks.values().forEach(ContainerTrack::clearWaiting);
            LOG.info("Pod {} stopped", managed.ref);
            publisher.publish(managed, containers, seen, null, null, true, null, clock.instant());
        }
        if (!managed.deletionReported && publisher.shouldReport(managed)) {
            managed.deletionReported = reporter.deleted(managed.ref);
        }
        if (managed.removed) {
            managed.forgotten = true;
            if (managed.nextSync != null) {
                managed.nextSync.cancel(false);
            }
            pods.remove(managed.key, managed);
            VolumeMaterializer.deleteTree(podsDirectory.resolve(managed.ref.uid()));
        }
    }
}
