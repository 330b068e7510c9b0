package io.karedge.twin.internal;

import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinPublication;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinVersionConflictException;
import io.karedge.api.twin.TwinWrite;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of one device. Jobs run in submission order on the engine's shared pool, never two at a
 * time for one device. Whatever is queued when the worker runs is taken as a batch (up to
 * {@code batch.max}), applied in memory in order and written with one {@link TwinWrite}; then the
 * replies are completed and the listeners told, job by job, in order.
 */
final class DeviceWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceWorker.class);
    private static final int MAX_ATTEMPTS = 4;

    /** One applied job and what came of it. */
    private record Applied(Job job, Outcome outcome) {
    }

    final String deviceId;
    private final DeviceTwinEngine engine;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private boolean scheduled;
    private volatile DeviceSnapshot snapshot;

    DeviceWorker(String deviceId, DeviceTwinEngine engine, DeviceSnapshot snapshot) {
        this.deviceId = deviceId;
        this.engine = engine;
        this.snapshot = snapshot;
    }

    /** @return the committed state, or null if the device is not a member (any more) */
    DeviceSnapshot snapshot() {
        return snapshot;
    }

    void submit(Job job) {
        synchronized (queue) {
            queue.add(job);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            engine.executor().execute(this);
        } catch (RejectedExecutionException e) {
            synchronized (queue) {
                scheduled = false;
                queue.remove(job);
            }
            engine.refuse(job, 500, "the twin engine is stopping");
        }
    }

    @Override
    public void run() {
        while (true) {
            List<Job> batch = new ArrayList<>();
            synchronized (queue) {
                while (batch.size() < engine.settings().batchMax() && !queue.isEmpty()) {
                    batch.add(queue.poll());
                }
            }
            try {
                process(batch);
            } catch (RuntimeException | Error e) {
                LOG.error("Twin batch of device {} failed unexpectedly", deviceId, e);
                for (Job job : batch) {
                    if (!job.future.isDone()) {
                        engine.refuse(job, 500, "internal error: " + e);
                    }
                }
            }
            synchronized (queue) {
                if (queue.isEmpty()) {
                    scheduled = false;
                    return;
                }
            }
            if (!engine.executor().isShutdown()) {
                try {
                    // to the back of the pool's queue: other devices get their turn
                    engine.executor().execute(this);
                    return;
                } catch (RejectedExecutionException e) {
                    // stopping: finish the queue on this thread
                }
            }
        }
    }

    private void process(List<Job> batch) {
        int next = 0;
        while (next < batch.size()) {
            Job job = batch.get(next);
            if (job.alone()) {
                remove(job);
                next++;
            } else {
                int end = next;
                while (end < batch.size() && !batch.get(end).alone()) {
                    end++;
                }
                next += commit(batch.subList(next, end));
            }
        }
    }

    /**
     * Applies jobs from the start of {@code jobs} and writes their combined effect once. A job
     * conditional on a property the batch already changed starts the next write, so its version check
     * sees the version that write produced.
     *
     * @return how many jobs were handled
     */
    private int commit(List<Job> jobs) {
        EngineContext context = engine.context();
        for (int attempt = 1; ; attempt++) {
            Working working = new Working(deviceId, snapshot);
            List<Applied> applied = new ArrayList<>();
            for (Job job : jobs) {
                job.prepare(context);
                if (!applied.isEmpty() && job.conditions().stream().anyMatch(working.dirty()::contains)) {
                    break;
                }
                applied.add(new Applied(job, apply(job, working, context)));
            }
            TwinWrite write = working.toWrite(context.now());
            Map<String, TwinRecord> records = Map.of();
            if (!Working.isEmpty(write)) {
                try {
                    records = engine.store().write(write);
                } catch (TwinVersionConflictException e) {
                    if (attempt < MAX_ATTEMPTS) {
                        LOG.debug("Device {}: {}; reloading and applying the batch again", deviceId, e.getMessage());
                        reload(working.conditioned());
                        continue;
                    }
                    fail(applied, "version conflicts persist: " + e.getMessage());
                    return applied.size();
                } catch (RuntimeException e) {
                    LOG.warn("Device {}: the twin store refused a write of {} request(s): {}", deviceId,
                            applied.size(), e.toString());
                    reload(null);
                    fail(applied, "the twin store failed: " + e.getMessage());
                    return applied.size();
                }
            }
            snapshot = working.after(records);
            finish(applied, records);
            return applied.size();
        }
    }

    private Outcome apply(Job job, Working working, EngineContext context) {
        Working.Tx tx = working.begin();
        try {
            Outcome outcome = job.apply(tx, context);
            tx.commit();
            return outcome;
        } catch (Rejection rejection) {
            Outcome outcome = Outcome.error(rejection.code(), rejection.reason(),
                    job.errorResult(rejection.code(), rejection.reason(), context.now()));
            outcome.version = rejection.version();
            return outcome;
        } catch (RuntimeException e) {
            LOG.debug("Device {}: {} failed", deviceId, job.describe(), e);
            return Outcome.error(500, "internal error: " + e, job.errorResult(500, "internal error", context.now()));
        }
    }

    private void finish(List<Applied> applied, Map<String, TwinRecord> records) {
        for (Applied item : applied) {
            Job job = item.job();
            Outcome outcome = item.outcome();
            long version = outcome.version;
            if (outcome.ok()) {
                for (String property : outcome.versionProperties) {
                    TwinRecord record = records.get(property);
                    version = record != null ? record.version() : snapshotVersion(property);
                    if (job instanceof DesiredJob desired) {
                        desired.written(property, version);
                    }
                }
            }
            if (!outcome.ok()) {
                engine.logRefusal(job, outcome.code, outcome.reason);
            }
            engine.answer(job, new TwinReply(outcome.code, outcome.reason, outcome.result, version),
                    outcome.stored());
            if (outcome.notable()) {
                Map<String, TwinRecord> twins = new LinkedHashMap<>();
                outcome.changed.forEach((property, twin) -> {
                    TwinRecord stored = records.get(property);
                    if (stored != null) {
                        twins.put(property, new TwinRecord(deviceId, property, stored.version(), twin.toStored(),
                                stored.updatedAt()));
                    }
                });
                engine.notifyListeners(new TwinChange(deviceId, job.origin, twins, outcome.state,
                        outcome.publications));
            }
        }
    }

    private long snapshotVersion(String property) {
        DeviceSnapshot current = snapshot;
        return current == null ? 0 : current.version(property);
    }

    private void fail(List<Applied> applied, String reason) {
        EngineContext context = engine.context();
        for (Applied item : applied) {
            Job job = item.job();
            if (item.outcome().ok()) {
                engine.refuse(job, 500, reason);
            } else {
                engine.logRefusal(job, item.outcome().code, item.outcome().reason);
                engine.answer(job, new TwinReply(item.outcome().code, item.outcome().reason, item.outcome().result,
                        item.outcome().version), false);
            }
        }
        LOG.debug("Device {}: {} job(s) answered after a failed write at {}", deviceId, applied.size(), context.now());
    }

    /** Reloads properties (all if null) from the store into the cache, after a conflict or a failure. */
    private void reload(Iterable<String> properties) {
        DeviceSnapshot current = snapshot;
        if (current == null) {
            return;
        }
        try {
            if (properties == null) {
                Map<String, TwinRecord> records = engine.store().get(deviceId);
                snapshot = records.isEmpty() ? current : DeviceSnapshot.fromStore(deviceId, records);
                return;
            }
            Map<String, DeviceSnapshot.Entry> twins = new LinkedHashMap<>(current.twins());
            for (String property : properties) {
                Optional<TwinRecord> record = engine.store().get(deviceId, property);
                if (record.isPresent()) {
                    twins.put(property, new DeviceSnapshot.Entry(record.get(), MsgTwin.fromStored(record.get().twin())));
                } else {
                    twins.remove(property);
                }
            }
            snapshot = new DeviceSnapshot(deviceId, current.name(), current.description(), current.state(),
                    current.lastOnline(), current.specDesired(), twins);
        } catch (RuntimeException e) {
            LOG.warn("Device {}: cannot reload its twins from the store: {}", deviceId, e.toString());
        }
    }

    /** Removal from membership: delete the device's records, forget it, publish {@code membership/updated}. */
    private void remove(Job job) {
        DeviceSnapshot current = snapshot;
        if (current == null) {
            job.future.complete(new TwinReply(200, null, null, 0));
            return;
        }
        try {
            engine.store().deleteDevice(deviceId);
        } catch (RuntimeException e) {
            LOG.warn("Device {} left node {} but its twins could not be deleted (they are removed at the next"
                    + " start): {}", deviceId, engine.context().nodeName(), e.toString());
        }
        snapshot = null;
        EngineContext context = engine.context();
        TwinPublication publication = new TwinPublication(Topics.membershipUpdated(context.nodeName()),
                Messages.membershipUpdated(context.now(), null,
                        List.of(Messages.membershipEntry(deviceId, current.name(), current.description(), null))));
        LOG.info("Device {} left node {}", deviceId, context.nodeName());
        job.future.complete(new TwinReply(200, null, null, 0));
        engine.notifyListeners(new TwinChange(deviceId, job.origin, Map.of(), null, List.of(publication)));
    }
}
