package io.karedge.pod;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs pods for the pod manager. Registered on the whiteboard with the service property
 * {@value #RUNTIME_CLASS} naming the runtime class it serves ({@value #DEFAULT_CLASS} for pods without
 * {@code spec.runtimeClassName}).
 *
 * <p>The pod manager owns the policy (which container to start when, back-off, restart policy, status);
 * a runtime only carries out steps and reports what it sees. Calls for one pod never overlap; calls for
 * different pods may. Every call may block (bounded by the runtime's own timeouts) and is made on a pod
 * manager thread.
 *
 * <p>Whatever a runtime creates carries the pod's uid, name and namespace, so that {@link #list()} finds
 * it again after a restart of the JVM: pods are adopted, not recreated.
 */
@ConsumerType
public interface PodRuntime {

    /** Service property: the runtime class served, matched against {@code spec.runtimeClassName}. */
    String RUNTIME_CLASS = "karedge.runtime.class";

    /** The runtime class of pods that name none. */
    String DEFAULT_CLASS = "default";

    /**
     * Makes sure the pod's sandbox exists and is ready: adopts a ready one, else creates one (a not-ready
     * one is removed first).
     *
     * @throws PodRuntimeException with reason {@code CreatePodSandboxError} (or a more precise one)
     */
    SandboxInfo syncSandbox(PodDescriptor pod) throws PodRuntimeException;

    /**
     * Starts one instance of a container in the pod's ready sandbox: gets its image according to the
     * container's pull policy, creates and starts it. Older exited instances of the same container may be
     * removed, except the one before {@code attempt} (kept for its logs).
     *
     * @param attempt the instance number, 0 for the first start; also the container's restart count
     * @return the id of the new instance
     * @throws PodRuntimeException reason {@code ErrImagePull}, {@code ErrImageNeverPull},
     *                             {@code CreateContainerError} or {@code RunContainerError}
     */
    String startContainer(PodDescriptor pod, SandboxInfo sandbox, ContainerDescriptor container, int attempt)
            throws PodRuntimeException;

    /** @return what runs for the pod: its sandbox, if any, and the latest instance of each container */
    PodObservation status(PodRef pod) throws PodRuntimeException;

    /**
     * Stops the pod's containers (each gets {@code gracePeriod} between the polite and the hard signal),
     * then removes its containers and sandboxes. Idempotent: killing a pod that runs nothing succeeds.
     *
     * @return what the pod's containers ended as, observed after they stopped and before they were removed
     */
    PodObservation kill(PodRef pod, Duration gracePeriod) throws PodRuntimeException;

    /** @return every pod this runtime runs for the pod manager, found by the labels it put on them */
    List<PodObservation> list() throws PodRuntimeException;

    /**
     * Reads a container's log from byte offset {@code offset} on.
     *
     * @param previous the instance before the latest one (kubectl's {@code --previous})
     * @param maxBytes an upper bound of bytes to read; whole lines only
     */
    LogChunk readLog(PodRef pod, String container, boolean previous, long offset, int maxBytes)
            throws PodRuntimeException;

    /**
     * Prepares a remote command stream (exec or attach) into the latest running instance of a container and
     * answers where to open it: a URL of the runtime's own streaming server, where the kubelet's remote
     * command protocol (an HTTP upgrade to SPDY/3.1 or WebSocket, {@code v4.channel.k8s.io}) is served once.
     * Runtimes without processes to stream to keep the default, which refuses.
     *
     * @throws PodRuntimeException reason {@code ContainerNotRunning} if the container does not run,
     *                             {@code StreamingNotSupported} if the runtime cannot stream
     */
    default URI streamUrl(PodRef pod, String container, StreamRequest request) throws PodRuntimeException {
        throw new PodRuntimeException("StreamingNotSupported",
                "the runtime of pod " + pod.namespace() + "/" + pod.name() + " has no processes to "
                        + request.kind().name().toLowerCase() + " into");
    }

    /**
     * Measures what this runtime's running containers use (CPU and memory), for the node's resource metrics.
     * Runtimes without containers of their own keep the default, which reports none.
     *
     * @return one entry per running container of the pods this runtime runs
     * @throws PodRuntimeException if the runtime cannot be asked (the metrics report a scrape error)
     */
    default List<ContainerUsage> usage() throws PodRuntimeException {
        return List.of();
    }
}
