package io.karedge.twin.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinDesiredReply;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinListener;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.api.twin.TwinStatistics;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.twin.TwinUpdateResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twin engine without OSGi: a cache of the member devices, loaded from the {@link TwinStore} when
 * created, one {@link DeviceWorker} queue per device and a small shared pool that runs them.
 */
final class DeviceTwinEngine implements TwinEngine, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceTwinEngine.class);
    private static final long WORKER_IDLE_SECONDS = 30;

    private final TwinStore store;
    private final EngineContext context;
    private final ThreadPoolExecutor executor;
    private final Map<String, DeviceWorker> workers = new ConcurrentHashMap<>();
    private volatile Function<String, Optional<MemberDevice>> memberLookup = id -> Optional.empty();
    private final List<TwinListener> listeners = new CopyOnWriteArrayList<>();
    private final TwinCounters counters = new TwinCounters();
    private final RefusalSummary refusals =
            new RefusalSummary(RefusalSummary.DEFAULT_INTERVAL_SECONDS, TimeUnit.SECONDS, System::nanoTime);
    private volatile boolean stopping;

    DeviceTwinEngine(TwinStore store, String nodeName, EngineSettings settings, Clock clock) {
        this(store, nodeName, settings, clock, ModelRules.NONE);
    }

    /** @param models the devices' models, against which desired values are checked */
    DeviceTwinEngine(TwinStore store, String nodeName, EngineSettings settings, Clock clock, ModelRules models) {
        this.store = store;
        this.context = new EngineContext(nodeName, clock, settings, models);
        AtomicInteger count = new AtomicInteger();
        // A worker spends most of a batch blocked in TwinStore.write until the commit is on disk; the store
        // commits the writes waiting at the same time together, so the pool size bounds how many device
        // batches share one fsync. Workers start when all are busy (an idle node keeps a few, a loaded one
        // up to `workers`) and end after a while without work.
        OnDemandWorkQueue queue = new OnDemandWorkQueue();
        this.executor = new ThreadPoolExecutor(0, settings.workers(), WORKER_IDLE_SECONDS,
                TimeUnit.SECONDS, queue, runnable -> {
                    Thread thread = new Thread(runnable, "karedge-twin-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, (task, pool) -> queue.queueRejected(task, pool));
        queue.attach(executor);
        int twins = 0;
        for (String deviceId : store.devices()) {
            DeviceSnapshot snapshot = DeviceSnapshot.fromStore(deviceId, store.get(deviceId));
            workers.put(deviceId, new DeviceWorker(deviceId, this, snapshot));
            twins += snapshot.twins().size();
        }
        LOG.info("Twin engine of node {} loaded {} device(s) with {} twin(s) ({} worker(s), batches of up to {})",
                nodeName, workers.size(), twins, settings.workers(), settings.batchMax());
    }

    // ---- TwinEngine ----

    @Override
    public CompletionStage<TwinReply> handle(TwinRequest request) {
        try {
            if (request.operation().isNodeOperation()) {
                return CompletableFuture.completedFuture(membershipGet(request));
            }
            RequestJob job = switch (request.operation()) {
                case TWIN_UPDATE, TWIN_CLOUD_UPDATED -> new TwinUpdateJob(request);
                case TWIN_GET -> new GetJob(request);
                case STATE_UPDATE -> new StateJob(request);
                case MEMBERSHIP_GET -> throw new IllegalStateException("node operation");
            };
            return submit(job, request.operation() == TwinOperation.TWIN_GET ? "getting twin"
                    : request.operation() == TwinOperation.STATE_UPDATE ? "updating state" : "updating twin");
        } catch (RuntimeException e) {
            LOG.warn("Twin request {} for {} failed: {}", request.operation().suffix(), Logs.clip(request.target()),
                    e.toString());
            if (request.operation() != TwinOperation.TWIN_GET && !request.operation().isNodeOperation()) {
                counters.answered(request.origin(), TwinUpdateResult.FAILED);
            }
            return CompletableFuture.completedFuture(new TwinReply(500, "internal error: " + e,
                    Messages.error("", context.now(), 500, "internal error"), 0));
        }
    }

    @Override
    public CompletionStage<TwinReply> setDesired(String deviceId, String property, String value, long expectedVersion,
                                                 TwinOrigin origin) {
        try {
            return submit(new DesiredJob(deviceId, Map.of(property, value),
                    expectedVersion == TwinStore.ANY_VERSION ? Map.of() : Map.of(property, expectedVersion), origin),
                    "setting a desired value");
        } catch (RuntimeException e) {
            LOG.warn("setDesired {} of {} failed: {}", Logs.clip(property), Logs.clip(deviceId), e.toString());
            counters.answered(origin, TwinUpdateResult.FAILED);
            return CompletableFuture.completedFuture(new TwinReply(500, "internal error: " + e, null, 0));
        }
    }

    @Override
    public CompletionStage<TwinDesiredReply> setDesired(String deviceId, Map<String, String> values,
                                                        Map<String, Long> expectedVersions, TwinOrigin origin) {
        DesiredJob job;
        try {
            job = new DesiredJob(deviceId, values, expectedVersions, origin);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new TwinDesiredReply(400, e.getMessage(), null, Map.of()));
        }
        CompletionStage<TwinReply> reply;
        try {
            reply = submit(job, "setting desired values");
        } catch (RuntimeException e) {
            LOG.warn("setDesired of {} values of {} failed: {}", values.size(), Logs.clip(deviceId), e.toString());
            counters.answered(origin, TwinUpdateResult.FAILED);
            return CompletableFuture.completedFuture(new TwinDesiredReply(500, "internal error: " + e, null, Map.of()));
        }
        return reply.thenApply(job::reply);
    }

    @Override
    public Optional<DeviceTwin> device(String deviceId) {
        DeviceWorker worker = deviceId == null ? null : workers.get(deviceId);
        DeviceSnapshot snapshot = worker == null ? null : worker.snapshot();
        return snapshot == null ? Optional.empty() : Optional.of(snapshot.toDeviceTwin());
    }

    @Override
    public Set<String> members() {
        Set<String> members = new TreeSet<>();
        workers.forEach((id, worker) -> {
            if (worker.snapshot() != null) {
                members.add(id);
            }
        });
        return members;
    }

    @Override
    public TwinStatistics statistics() {
        return counters.snapshot();
    }

    private CompletionStage<TwinReply> submit(Job job, String doing) {
        if (stopping) {
            refuse(job, 500, "the twin engine is stopping");
            return job.future;
        }
        DeviceWorker worker = workers.get(job.deviceId);
        if (worker == null) {
            // the MetaStore may already hold a device the membership watch has not delivered yet
            memberLookup.apply(job.deviceId).ifPresent(this::memberChanged);
            worker = workers.get(job.deviceId);
        }
        if (worker == null) {
            job.prepare(context);
            if (job instanceof RequestJob requestJob) {
                try {
                    requestJob.message();
                } catch (Rejection invalid) {
                    refuse(job, invalid.code(), invalid.reason());
                    return job.future;
                }
            }
            Rejection notFound = Job.notFound(job.deviceId, doing);
            refuse(job, notFound.code(), notFound.reason());
            return job.future;
        }
        worker.submit(job);
        return job.future;
    }

    private TwinReply membershipGet(TwinRequest request) {
        ObjectNode message;
        try {
            message = IncomingMessage.object(request, context.settings().payloadMaxBytes());
        } catch (Rejection rejection) {
            logMembershipRefusal(rejection.code(), "membership/get for node " + Logs.clip(request.target())
                    + " refused (" + rejection.code() + "): " + Logs.clip(rejection.reason()));
            return new TwinReply(rejection.code(), rejection.reason(),
                    Messages.error("", context.now(), rejection.code(), rejection.reason()), 0);
        }
        String eventId = IncomingMessage.eventId(message);
        if (!context.nodeName().equals(request.target())) {
            String reason = "Node " + Logs.clip(request.target()) + " is not this node (" + context.nodeName() + ")";
            logMembershipRefusal(404, "membership/get refused (404): " + reason);
            return new TwinReply(404, reason, Messages.error(eventId, context.now(), 404, reason), 0);
        }
        List<Messages.Member> members = new ArrayList<>();
        for (String id : members()) {
            DeviceWorker worker = workers.get(id);
            DeviceSnapshot snapshot = worker == null ? null : worker.snapshot();
            if (snapshot != null) {
                members.add(snapshot.member());
            }
        }
        return new TwinReply(200, null, Messages.membershipGetResult(eventId, context.now(), members), 0);
    }

    private void logMembershipRefusal(int code, String line) {
        if (code >= 500) {
            LOG.warn(line);
            return;
        }
        LOG.debug(line);
        refusals.refused(line).ifPresent(LOG::warn);
    }

    // ---- membership, called by the MembershipWatcher in MetaStore order ----

    /** Where {@link #submit} looks a device up that is not a member yet (the MetaStore, through the watcher). */
    void memberLookup(Function<String, Optional<MemberDevice>> lookup) {
        this.memberLookup = lookup;
    }

    void memberChanged(MemberDevice device) {
        if (stopping) {
            return;
        }
        workers.computeIfAbsent(device.id(), id -> new DeviceWorker(id, this, null)).submit(new MembershipJob(device));
    }

    void memberRemoved(String deviceId) {
        DeviceWorker worker = workers.get(deviceId);
        if (worker != null && !stopping) {
            worker.submit(new RemovalJob(deviceId));
        }
    }

    // ---- for workers ----

    TwinStore store() {
        return store;
    }

    EngineContext context() {
        return context;
    }

    EngineSettings settings() {
        return context.settings();
    }

    ExecutorService executor() {
        return executor;
    }

    void refuse(Job job, int code, String reason) {
        logRefusal(job, code, reason);
        answer(job, new TwinReply(code, reason, job.errorResult(code, reason, context.now()), 0), false);
    }

    /**
     * Completes a job's reply, counting an update request by its result.
     *
     * @param stored whether the job's changes were written (for a 200: applied rather than unchanged)
     */
    void answer(Job job, TwinReply reply, boolean stored) {
        if (job.counted()) {
            TwinUpdateResult result = TwinUpdateResult.of(reply.code(), stored);
            counters.answered(job.origin, result);
            if (result == TwinUpdateResult.APPLIED) {
                counters.stored(job.origin, job.startNanos);
            }
        }
        job.future.complete(reply);
    }

    /**
     * Logs a refused request. A 4xx is an expected answer to what a client sent: DEBUG, counted in the
     * statistics, and a WARN summary at most every few minutes. A 5xx means the node could not store what it
     * should have: a WARN each time.
     */
    void logRefusal(Job job, int code, String reason) {
        if (code >= 500) {
            LOG.warn("Twin {} for device {} from {} not stored ({}): {}", job.describe(), Logs.clip(job.deviceId),
                    job.origin, code, Logs.clip(reason));
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("Twin {} for device {} from {} refused ({}): {}", job.describe(), Logs.clip(job.deviceId),
                    job.origin, code, Logs.clip(reason));
        }
        refusals.refused(job.describe() + " for device " + Logs.clip(job.deviceId) + " from " + job.origin
                + " refused (" + code + "): " + Logs.clip(reason)).ifPresent(LOG::warn);
    }

    void notifyListeners(TwinChange change) {
        for (TwinListener listener : listeners) {
            try {
                listener.twinChanged(change);
            } catch (RuntimeException e) {
                LOG.warn("Twin listener {} failed on a change of device {}", listener.getClass().getName(),
                        change.deviceId(), e);
            }
        }
    }

    void addListener(TwinListener listener) {
        listeners.add(listener);
    }

    void removeListener(TwinListener listener) {
        listeners.remove(listener);
    }

    /** @return the stored records of a device, bypassing the cache (for tests and diagnostics) */
    Map<String, TwinRecord> stored(String deviceId) {
        return store.get(deviceId);
    }

    /** Refuses new requests, finishes every queued one, then stops the threads. */
    @Override
    public void close() {
        stopping = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Twin engine: queued requests still running after 30 s; stopping anyway");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
