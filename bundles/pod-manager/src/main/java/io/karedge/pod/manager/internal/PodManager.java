package io.karedge.pod.manager.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.uplink.Uplink;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodObservation;
import io.karedge.pod.PodRef;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's pods: each pod is reconciled on its own serial queue whenever its object changes,
 * when a back-off ends, and every sync period; one reconcile ({@link PodSync}) compares the pod with what its
 * runtime runs, starts what must start (restart policy, back-off), computes the status and reports it when it
 * changed. Here: the pods of this node as the store changes, the runtimes as they come and go (and the pods
 * they run for no known pod), and when each pod is synced.
 */
final class PodManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

    private final Settings settings;
    private final String nodeName;
    private final Path podsDirectory;
    private final Clock clock;
    private final String hostIp;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private final Map<ObjectKey, ManagedPod> pods = new ConcurrentHashMap<>();
    private final Map<String, PodRuntime> runtimes = new ConcurrentHashMap<>();
    private final RestoreWatch restore;
    private final PodSync podSync;
    private final PodViews views = new PodViews(pods, runtimes);
    private volatile boolean listed;
    private volatile boolean closed;

    PodManager(Settings settings, String nodeName, Path dataDirectory, MetaStore store, Supplier<Uplink> uplink,
               Clock clock, RestoreWatch restore, Supplier<io.karedge.api.access.PodTokens> tokens) {
        this.settings = settings;
        this.restore = restore;
        this.nodeName = nodeName;
        this.podsDirectory = dataDirectory.resolve("pods");
        this.clock = clock;
        this.hostIp = HostAddress.detect(settings.hostIp());
        StatusReporter reporter = new StatusReporter(uplink);
        PodStatusPublisher publisher = new PodStatusPublisher(settings, nodeName, hostIp, reporter);
        this.podSync = new PodSync(settings, nodeName, podsDirectory, clock, hostIp,
                new PodSpecReader(new ConfigSource(store), nodeName, hostIp, tokens), runtimes, restore,
                PodOrigins.of(settings), publisher,
                new PodTermination(settings, podsDirectory, clock, pods, publisher, reporter, this::scheduleSync),
                this::scheduleSync);
        AtomicInteger timerThreads = new AtomicInteger();
        ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "karedge-pods-timer-" + timerThreads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        scheduled.setRemoveOnCancelPolicy(true);
        this.timer = scheduled;
        AtomicInteger workerThreads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "karedge-pod-" + workerThreads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    String hostIp() {
        return hostIp;
    }

    void podChanged(StoredObject object) {
        Pod pod;
        try {
            pod = KaredgeJson.mapper().treeToValue(object.object(), Pod.class);
        } catch (Exception e) {
            LOG.warn("Pod {} cannot be read: {}", object.key(), e.getMessage());
            return;
        }
        if (pod.getSpec() == null || pod.getMetadata() == null) {
            return;
        }
        if (pod.getMetadata().getNamespace() == null) {
            pod.getMetadata().setNamespace(object.key().namespace());
        }
        String assigned = pod.getSpec().getNodeName();
        boolean member = assigned == null || assigned.isBlank() || assigned.equals(nodeName);
        ManagedPod current = pods.get(object.key());
        if (!member) {
            restore.dropped(object.key());
            if (current != null) {
                podDeleted(object.key());
            }
            return;
        }
        boolean deleting = pod.getMetadata().getDeletionTimestamp() != null
                && !pod.getMetadata().getDeletionTimestamp().isBlank();
        if (deleting) {
            restore.dropped(object.key());
        } else if (!listed) {
            restore.listed(object.key(), object.key().namespace() + "/" + object.key().name());
        }
        String uid = PodSpecReader.uid(pod);
        if (current != null && !current.ref.uid().equals(uid)) {
            pods.remove(object.key(), current);
            current.removed = true;
            trigger(current);
            current = null;
        }
        if (current == null) {
            PodRef ref = PodSpecReader.ref(pod);
            ManagedPod fresh = new ManagedPod(object.key(), ref, new SerialQueue(workers, ref.id()), pod,
                    object.source());
            fresh.info = new PodInfo(ref, PodSpecReader.runtimeClass(pod), "Pending", 0,
                    pod.getSpec().getContainers().size(), "Pending", 0, PodStatusPublisher.created(pod), null, nodeName,
                    null);
            pods.put(object.key(), fresh);
            trigger(fresh);
        } else {
            current.pod = pod;
            current.source = object.source();
            trigger(current);
        }
    }

    void podDeleted(ObjectKey key) {
        restore.dropped(key);
        ManagedPod pod = pods.get(key);
        if (pod != null) {
            pod.removed = true;
            trigger(pod);
        }
    }

    /** The first list of the MetaStore is in: pods the runtimes run for no known pod can be collected. */
    void listed() {
        listed = true;
        restore.sealed();
        runtimes.forEach((runtimeClass, runtime) -> collectOrphans(runtimeClass, runtime));
    }

    void runtimeAdded(String runtimeClass, PodRuntime runtime) {
        runtimes.put(runtimeClass, runtime);
        LOG.info("Runtime class '{}' is served by {}", runtimeClass, runtime.getClass().getName());
        if (listed) {
            collectOrphans(runtimeClass, runtime);
        }
        pods.values().forEach(this::trigger);
    }

    void runtimeRemoved(String runtimeClass, PodRuntime runtime) {
        runtimes.remove(runtimeClass, runtime);
        podSync.runtimeGone();
        pods.values().forEach(this::trigger);
    }

    private void collectOrphans(String runtimeClass, PodRuntime runtime) {
        workers.execute(() -> {
            try {
                Set<String> known = new HashSet<>();
                pods.values().forEach(p -> known.add(p.ref.uid()));
                for (PodObservation seen : runtime.list()) {
                    if (!known.contains(seen.ref().uid())) {
                        LOG.info("Pod {} runs on runtime '{}' but is no longer assigned here; removing it",
                                seen.ref(), runtimeClass);
                        runtime.kill(seen.ref(), Duration.ofSeconds(10));
                        VolumeMaterializer.deleteTree(podsDirectory.resolve(seen.ref().uid()));
                    }
                }
            } catch (PodRuntimeException | RuntimeException e) {
                LOG.warn("Cannot collect orphaned pods of runtime '{}': {}", runtimeClass, e.getMessage());
            }
        });
    }

    private void trigger(ManagedPod pod) {
        if (closed) {
            return;
        }
        if (pod.syncQueued.compareAndSet(false, true)) {
            pod.queue.execute(() -> {
                pod.syncQueued.set(false);
                sync(pod);
            });
        }
    }

    private void scheduleSync(ManagedPod pod, Instant at) {
        if (closed) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        delay = Math.min(delay, settings.syncPeriodMillis());
        if (pod.nextSync != null) {
            pod.nextSync.cancel(false);
        }
        try {
            pod.nextSync = timer.schedule(() -> trigger(pod), delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("Timer gone; {} not rescheduled", pod.ref);
        }
    }

    /** One reconcile of the pod on its queue, unless it was forgotten or the manager is closed. */
    private void sync(ManagedPod managed) {
        if (managed.forgotten || closed) {
            return;
        }
        podSync.sync(managed);
    }

    RestoreWatch restore() {
        return restore;
    }

    /** @return the read-only views of the pods, for the shell, REST and metrics */
    PodViews views() {
        return views;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

}
