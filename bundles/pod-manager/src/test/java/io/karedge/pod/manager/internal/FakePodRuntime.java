package io.karedge.pod.manager.internal;

import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.ContainerObservation;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.SandboxInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A runtime in memory: sandboxes and container instances per pod uid, containers that exit when the test
 * says so, images that are missing, and a record of every start and kill.
 */
public final class FakePodRuntime implements PodRuntime {

    /** One start: which pod, container and attempt, with what the manager passed. */
    public record Start(String uid, String container, int attempt, Instant at, ContainerDescriptor descriptor) {
    }

    private final Clock clock;
    private final Map<String, SandboxInfo> sandboxes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ContainerObservation>> containers = new ConcurrentHashMap<>();
    public final List<Start> starts = new CopyOnWriteArrayList<>();
    public final List<String> kills = new CopyOnWriteArrayList<>();
    public final List<Duration> killGraces = new CopyOnWriteArrayList<>();
    public final Set<String> missingImages = ConcurrentHashMap.newKeySet();
    public final List<PodDescriptor> synced = new CopyOnWriteArrayList<>();
    private int ids;

    public FakePodRuntime(Clock clock) {
        this.clock = clock;
    }

    /** Sandbox calls that fail before the runtime answers (a runtime still starting after a reboot). */
    public final java.util.concurrent.atomic.AtomicInteger unavailableCalls = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public SandboxInfo syncSandbox(PodDescriptor pod) throws PodRuntimeException {
        if (unavailableCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new PodRuntimeException("RuntimeUnavailable", "connection refused");
        }
        synced.add(pod);
        return sandboxes.compute(pod.ref().uid(), (uid, old) -> {
            if (old != null && old.ready()) {
                return old;
            }
            int attempt = old == null ? 0 : old.attempt() + 1;
            if (old != null) {
                // as CRI does: removing the dead sandbox removes its containers
                containers.remove(uid);
            }
            return new SandboxInfo("sb-" + uid + "-" + attempt, true, pod.hostNetwork() ? null : "10.0.0.2",
                    clock.instant(), attempt);
        });
    }

    /** What a reboot leaves: every sandbox not ready, every container exited as containerd reports it. */
    public void reboot() {
        sandboxes.replaceAll((uid, s) -> new SandboxInfo(s.id(), false, s.ip(), s.createdAt(), s.attempt()));
        containers.values().forEach(pod -> pod.replaceAll((name, c) -> c.state() == ContainerObservation.State.EXITED
                ? c : new ContainerObservation(c.name(), c.id(), c.attempt(), ContainerObservation.State.EXITED, 255,
                        "Unknown", null, c.createdAt(), c.startedAt(), clock.instant(), c.image(), c.imageId())));
    }

    /** What a runtime whose state was wiped knows: nothing. */
    public void forgetEverything() {
        sandboxes.clear();
        containers.clear();
    }

    @Override
    public synchronized String startContainer(PodDescriptor pod, SandboxInfo sandbox, ContainerDescriptor container,
                                              int attempt) throws PodRuntimeException {
        if (missingImages.contains(container.image())) {
            throw new PodRuntimeException("ErrImagePull", "failed to pull image \"" + container.image() + "\"");
        }
        String id = "fake://c" + (++ids);
        Instant now = clock.instant();
        containers.computeIfAbsent(pod.ref().uid(), u -> new ConcurrentHashMap<>()).put(container.name(),
                new ContainerObservation(container.name(), id, attempt, ContainerObservation.State.RUNNING, 0, null,
                        null, now, now, null, container.image(), "sha256:fake"));
        starts.add(new Start(pod.ref().uid(), container.name(), attempt, now, container));
        return id;
    }

    /** The running instance of a container exits with {@code code} now. */
    public void exit(String uid, String container, int code) {
        Map<String, ContainerObservation> pod = containers.get(uid);
        ContainerObservation c = pod.get(container);
        pod.put(container, new ContainerObservation(c.name(), c.id(), c.attempt(), ContainerObservation.State.EXITED,
                code, code == 0 ? "Completed" : "Error", null, c.createdAt(), c.startedAt(), clock.instant(),
                c.image(), c.imageId()));
    }

    public List<Start> startsOf(String uid, String container) {
        return starts.stream().filter(s -> s.uid().equals(uid) && s.container().equals(container)).toList();
    }

    @Override
    public PodObservation status(PodRef pod) {
        Map<String, ContainerObservation> pc = containers.getOrDefault(pod.uid(), Map.of());
        return new PodObservation(pod, sandboxes.get(pod.uid()), new ArrayList<>(pc.values()));
    }

    @Override
    public PodObservation kill(PodRef pod, Duration gracePeriod) {
        kills.add(pod.uid());
        killGraces.add(gracePeriod);
        Map<String, ContainerObservation> pc = containers.get(pod.uid());
        if (pc != null) {
            for (String name : List.copyOf(pc.keySet())) {
                ContainerObservation c = pc.get(name);
                if (c.state() == ContainerObservation.State.RUNNING) {
                    exit(pod.uid(), name, 143);
                }
            }
        }
        PodObservation last = status(pod);
        sandboxes.remove(pod.uid());
        containers.remove(pod.uid());
        return last;
    }

    /** Puts a pod in the runtime as if an earlier JVM had started it. */
    public void preload(PodRef pod, String container) {
        sandboxes.put(pod.uid(), new SandboxInfo("sb-" + pod.uid(), true, null, clock.instant(), 0));
        containers.computeIfAbsent(pod.uid(), u -> new ConcurrentHashMap<>()).put(container,
                new ContainerObservation(container, "fake://old", 0, ContainerObservation.State.RUNNING, 0, null, null,
                        clock.instant(), clock.instant(), null, "img", "sha256:fake"));
        refs.put(pod.uid(), pod);
    }

    private final Map<String, PodRef> refs = new ConcurrentHashMap<>();

    @Override
    public List<PodObservation> list() {
        List<PodObservation> all = new ArrayList<>();
        for (String uid : sandboxes.keySet()) {
            PodRef ref = refs.getOrDefault(uid, new PodRef(uid, "default", "unknown"));
            all.add(status(ref));
        }
        return all;
    }

    @Override
    public LogChunk readLog(PodRef pod, String container, boolean previous, long offset, int maxBytes) {
        return new LogChunk(List.of("hello from " + container), offset + 1, true);
    }
}
