package io.karedge.runtime.cri.internal;

import io.karedge.boot.podsfirst.plan.RestorePlan;
import io.karedge.pod.ContainerDescriptor;
import io.karedge.pod.PodDescriptor;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntimeException;
import io.karedge.runtime.cri.v1.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's side of pods-first: keeps each pod's entry of the {@link PodsFirstPlan} in step with its
 * sandbox and the next attempt of each container, drops it when the pod is killed, and lets the first syncs
 * wait while the node's launcher is still starting the pods of the plan. With pods-first off there is no plan
 * and only the wait remains.
 */
final class PodsFirstRecorder {

    /** System property the pods-first launcher sets: {@code running} while it starts pods, then {@code done}. */
    static final String LAUNCHER_PROPERTY = "karedge.pods.first";
    private static final long LAUNCHER_WAIT_MILLIS = 20_000;

    /** Logs as the CRI runtime, whose lines these have always been. */
    private static final Logger LOG = LoggerFactory.getLogger(CriPodRuntime.class);

    private final CriSettings settings;
    private final CriConfigs configs;
    private final CriCalls calls;
    private final PodsFirstPlan plan;
    /** Per pod uid: container name to the attempt its next instance gets. */
    private final Map<String, Map<String, Integer>> nextAttempts = new ConcurrentHashMap<>();
    private volatile boolean launcherDone;

    PodsFirstRecorder(CriSettings settings, CriConfigs configs, CriCalls calls) {
        this.settings = settings;
        this.configs = configs;
        this.calls = calls;
        this.plan = settings.planDirectory() == null ? null : new PodsFirstPlan(settings.planDirectory());
    }

    /**
     * While the node's launcher still starts the pods of the plan (its first seconds), the manager's first
     * syncs wait for it, so that they adopt its sandboxes and containers instead of racing it.
     */
    void awaitLauncher() {
        if (launcherDone) {
            return;
        }
        long end = System.nanoTime() + LAUNCHER_WAIT_MILLIS * 1_000_000L;
        try {
            while ("running".equals(System.getProperty(LAUNCHER_PROPERTY)) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launcherDone = true;
    }

    /** An instance of the container started with {@code attempt}: the plan names the one after it. */
    void containerStarted(PodDescriptor pod, String container, int attempt, int sandboxAttempt) {
        if (plan != null) {
            nextAttempts.computeIfAbsent(pod.ref().uid(), uid -> new ConcurrentHashMap<>())
                    .merge(container, attempt + 1, Math::max);
            update(pod, sandboxAttempt);
        }
    }

    /**
     * Records the pod in the restore plan: the sandbox and container configurations the next boot sends, with
     * the next attempts. Pods whose images are always pulled stay out (the launcher pulls nothing).
     */
    void update(PodDescriptor pod, int sandboxAttempt) {
        if (plan == null) {
            return;
        }
        String uid = pod.ref().uid();
        try {
            if (pod.containers().stream().anyMatch(c -> "Always".equals(c.imagePullPolicy()))) {
                plan.remove(uid);
                return;
            }
            Map<String, Integer> attempts = nextAttempts.get(uid);
            if (attempts == null) {
                attempts = new ConcurrentHashMap<>();
                for (Container instance : calls.containers(uid)) {
                    attempts.merge(instance.getMetadata().getName(), instance.getMetadata().getAttempt() + 1,
                            Math::max);
                }
                nextAttempts.putIfAbsent(uid, attempts);
                attempts = nextAttempts.get(uid);
            }
            List<RestorePlan.Container> containers = new ArrayList<>();
            for (ContainerDescriptor container : pod.containers()) {
                int attempt = attempts.getOrDefault(container.name(), 0);
                containers.add(new RestorePlan.Container(container.name(), container.image(),
                        container.imagePullPolicy(), attempt, configs.containerConfig(pod, container, attempt).toByteArray()));
            }
            plan.update(uid, pod.ref().namespace(), pod.ref().name(), settings.endpoint(), settings.runtimeHandler(),
                    configs.logDirectory(pod.ref()), sandboxAttempt + 1, configs.sandboxConfig(pod, sandboxAttempt + 1).toByteArray(),
                    containers);
        } catch (PodRuntimeException | RuntimeException e) {
            LOG.debug("Restore plan of pod {} not updated: {}", pod.ref(), e.toString());
        }
    }

    /** Removes the pod from the restore plan (it is being killed). */
    void forget(PodRef ref) {
        nextAttempts.remove(ref.uid());
        if (plan != null) {
            plan.remove(ref.uid());
        }
    }
}
