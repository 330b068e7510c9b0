package io.karedge.node.internal;

import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's progress tracker: the running tasks and the last {@value #MAX_FINISHED} finished ones, in
 * memory only. One lock guards everything; producers and readers run on their own threads, the tracker has
 * none. At most {@value #MAX_RUNNING} tasks run at once: a producer that forgets to end its tasks cannot
 * grow the node's memory, because starting one more ends the one that reported least recently as failed.
 */
@Component(service = ProgressTracker.class)
public final class ProgressTrackerComponent implements ProgressTracker {

    static final int MAX_FINISHED = 20;
    static final int MAX_RUNNING = 64;
    static final int MAX_TEXT = 200;

    private static final Logger LOG = LoggerFactory.getLogger(ProgressTrackerComponent.class);

    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, Task> running = new LinkedHashMap<>();
    private final Deque<Task> finished = new ArrayDeque<>();
    private long nextId = 1;

    @Activate
    public ProgressTrackerComponent() {
        this(Clock.systemUTC());
    }

    public ProgressTrackerComponent(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ProgressTask start(String kind, String title, long total, String unit) {
        synchronized (lock) {
            if (running.size() >= MAX_RUNNING) {
                Task stale = running.values().stream().min((a, b) -> Long.compare(a.updatedMillis, b.updatedMillis))
                        .orElseThrow();
                LOG.warn("More than {} tasks report progress at once; ending the quietest, {} ({}), as failed",
                        MAX_RUNNING, stale.title, stale.kind);
                stale.end(TaskState.FAILED, "dropped: more than " + MAX_RUNNING + " tasks were running");
            }
            Task task = new Task("t" + nextId++, bounded(kind), bounded(title), total, bounded(unit));
            running.put(task.id, task);
            return task;
        }
    }

    @Override
    public List<TaskProgress> tasks() {
        synchronized (lock) {
            long now = clock.millis();
            List<TaskProgress> all = new ArrayList<>(running.size() + finished.size());
            running.values().forEach(task -> all.add(task.snapshot(now)));
            finished.forEach(task -> all.add(task.snapshot(now)));
            return all;
        }
    }

    private static String bounded(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return oneLine.length() <= MAX_TEXT ? oneLine : oneLine.substring(0, MAX_TEXT - 1) + "…";
    }

    /** A task; its fields are guarded by the tracker's lock. */
    private final class Task implements ProgressTask {

        private final String id;
        private final String kind;
        private final String title;
        private final String unit;
        private final long startedMillis;
        private final RateWindow rate;
        private String phase = "";
        private long total;
        private long done;
        private long updatedMillis;
        private long finishedMillis;
        private TaskState state = TaskState.RUNNING;
        private String message = "";

        Task(String id, String kind, String title, long total, String unit) {
            this.id = id;
            this.kind = kind;
            this.title = title;
            this.unit = unit;
            this.total = Math.max(0, total);
            this.startedMillis = clock.millis();
            this.updatedMillis = startedMillis;
            this.rate = new RateWindow(startedMillis);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void phase(String text) {
            synchronized (lock) {
                if (state == TaskState.RUNNING) {
                    phase = bounded(text);
                    touched();
                }
            }
        }

        @Override
        public void total(long units) {
            synchronized (lock) {
                if (state == TaskState.RUNNING) {
                    total = Math.max(0, units);
                    touched();
                }
            }
        }

        @Override
        public void done(long units) {
            synchronized (lock) {
                if (state == TaskState.RUNNING) {
                    done = Math.max(0, units);
                    touched();
                    rate.record(updatedMillis, done);
                }
            }
        }

        @Override
        public void advance(long units) {
            synchronized (lock) {
                if (state == TaskState.RUNNING && units != 0) {
                    done = Math.max(0, done + units);
                    touched();
                    rate.record(updatedMillis, done);
                }
            }
        }

        @Override
        public void succeeded(String result) {
            synchronized (lock) {
                end(TaskState.SUCCEEDED, result);
            }
        }

        @Override
        public void failed(String reason) {
            synchronized (lock) {
                end(TaskState.FAILED, reason == null || reason.isBlank() ? "failed" : reason);
            }
        }

        @Override
        public boolean ended() {
            synchronized (lock) {
                return state != TaskState.RUNNING;
            }
        }

        /** Called with the lock held. */
        void end(TaskState outcome, String text) {
            if (state != TaskState.RUNNING) {
                return;
            }
            state = outcome;
            message = bounded(text);
            touched();
            finishedMillis = updatedMillis;
            running.remove(id);
            finished.addFirst(this);
            while (finished.size() > MAX_FINISHED) {
                finished.removeLast();
            }
        }

        private void touched() {
            updatedMillis = Math.max(updatedMillis, clock.millis());
        }

        /** Called with the lock held. */
        TaskProgress snapshot(long now) {
            boolean isRunning = state == TaskState.RUNNING;
            long end = isRunning ? Math.max(now, startedMillis) : finishedMillis;
            Double percent = total > 0 ? Math.min(100.0, done * 100.0 / total) : null;
            Double perSecond = null;
            Duration eta = null;
            if (!STEPS.equals(unit)) {
                perSecond = isRunning ? rate.perSecond(end, done) : average(end);
                if (isRunning && perSecond != null && perSecond > 0 && total > 0) {
                    eta = Duration.ofMillis(Math.round(Math.max(0, total - done) / perSecond * 1000));
                }
            }
            return new TaskProgress(id, kind, title, phase, done, total, unit, state, message,
                    Instant.ofEpochMilli(startedMillis), Instant.ofEpochMilli(updatedMillis),
                    isRunning ? null : Instant.ofEpochMilli(finishedMillis), Duration.ofMillis(end - startedMillis),
                    percent, perSecond, eta);
        }

        private Double average(long end) {
            long span = end - startedMillis;
            return done > 0 && span >= RateWindow.MIN_SPAN_MILLIS ? done * 1000.0 / span : null;
        }
    }
}
