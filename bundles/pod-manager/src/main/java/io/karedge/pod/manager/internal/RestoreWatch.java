package io.karedge.pod.manager.internal;

import io.karedge.api.meta.ObjectKey;
import io.karedge.api.progress.ProgressTask;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.pod.PodRestore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods of the node's last run coming back after a start: the pods of this node in the MetaStore's first
 * list, and when each has every container running. Reports the time from the process start to the last one
 * running in the log, as a {@code pod-restore} task of the node's progress tracker (when there is one) and
 * through {@link #snapshot()}. Gives up waiting after a deadline. Thread-safe.
 */
final class RestoreWatch {

    static final String KIND = "pod-restore";

    private static final Logger LOG = LoggerFactory.getLogger(RestoreWatch.class);

    private final Clock clock;
    private final Instant processStart;
    private final Duration managerStarted;
    private final Supplier<ProgressTracker> tracker;
    private final Supplier<Map<String, Duration>> launcherStarts;
    private final Map<ObjectKey, String> waiting = new LinkedHashMap<>();
    private final List<String> notRunning = new ArrayList<>();
    private int pods;
    private int running;
    private boolean sealed;
    private Duration runtimeReady;
    private Duration finished;
    private Duration lastBack;
    private Map<String, Duration> launched;
    private int startedByLauncher;
    private ProgressTask task;

    RestoreWatch(Clock clock, Instant processStart, Supplier<ProgressTracker> tracker) {
        this(clock, processStart, tracker, Map::of);
    }

    /**
     * @param launcherStarts the pods the pods-first launcher started in this process (namespace/name to the
     *                       time, from the process start), asked once, when the first pod is back
     */
    RestoreWatch(Clock clock, Instant processStart, Supplier<ProgressTracker> tracker,
                 Supplier<Map<String, Duration>> launcherStarts) {
        this.clock = clock;
        this.processStart = processStart;
        this.managerStarted = since();
        this.tracker = tracker;
        this.launcherStarts = launcherStarts;
    }

    /** A pod of this node in the first list of the store, not being deleted. */
    synchronized void listed(ObjectKey key, String name) {
        if (!sealed && waiting.putIfAbsent(key, name) == null) {
            pods++;
        }
    }

    /** The first list is in: from now on only the listed pods count. */
    synchronized void sealed() {
        if (sealed) {
            return;
        }
        sealed = true;
        if (pods > 0) {
            openTask();
            LOG.info("Restoring {} pod(s) of the last run; the pod manager started {} s after the process",
                    pods, seconds(managerStarted));
        }
        endIfSettled();
    }

    /** A progress tracker came (or is there now): a restore that is still running gets its task. */
    synchronized void trackerBound() {
        if (sealed && pods > 0 && task == null) {
            openTask();
            if (finished != null) {
                endTask();
            }
        }
    }

    /** A sandbox of a listed pod is ready (the runtime answers). */
    synchronized void sandboxReady(ObjectKey key) {
        if (runtimeReady == null && waiting.containsKey(key)) {
            runtimeReady = since();
        }
    }

    /** Every container of the pod runs. */
    synchronized void running(ObjectKey key) {
        String name = waiting.remove(key);
        if (name != null) {
            if (launched == null) {
                launched = launcherStarts.get();
            }
            Duration at = launched.get(name);
            if (at != null) {
                startedByLauncher++;
            } else {
                at = since();
            }
            lastBack = lastBack == null || at.compareTo(lastBack) > 0 ? at : lastBack;
            running++;
            if (task != null) {
                task.advance(1);
            }
            endIfSettled();
        }
    }

    /** The pod will not run for now: {@code reason} says why (a container failing to start, the pod ended). */
    synchronized void notRunning(ObjectKey key, String reason) {
        String name = waiting.remove(key);
        if (name != null) {
            lastBack = since();
            notRunning.add(name + ": " + reason);
            endIfSettled();
        }
    }

    /** The pod is being deleted or left the node: it no longer counts. */
    synchronized void dropped(ObjectKey key) {
        if (waiting.remove(key) != null) {
            pods--;
            if (task != null) {
                task.total(pods);
            }
            endIfSettled();
        }
    }

    /** @return whether the pod still counts as not yet back */
    synchronized boolean waitingFor(ObjectKey key) {
        return finished == null && waiting.containsKey(key);
    }

    /** Stops waiting: the pods not back by now are reported as such. */
    synchronized void giveUp() {
        if (finished != null || !sealed) {
            return;
        }
        waiting.forEach((key, name) -> notRunning.add(name + ": not running after " + seconds(since())
                + " s"));
        waiting.clear();
        lastBack = since();
        endIfSettled();
    }

    synchronized PodRestore snapshot() {
        return new PodRestore(pods, running, finished != null, managerStarted, runtimeReady,
                finished != null ? finished : since(), notRunning);
    }

    private void endIfSettled() {
        if (!sealed || finished != null || !waiting.isEmpty()) {
            return;
        }
        finished = lastBack == null ? since() : lastBack;
        if (pods == 0) {
            return;
        }
        LOG.info("Pods restored in {} s after the process started: {} of {} running (pod manager started at {} s,"
                        + " first sandbox ready at {} s{}){}", seconds(finished), running, pods, seconds(managerStarted),
                runtimeReady == null ? "-" : seconds(runtimeReady), launcherNote(),
                notRunning.isEmpty() ? "" : "; not running: " + String.join(", ", notRunning));
        endTask();
    }

    private void openTask() {
        ProgressTracker current = tracker.get();
        if (current == null) {
            return;
        }
        try {
            task = current.start(KIND, "pods of the last run", pods, "pods");
            task.phase("starting the pods the node ran before it stopped");
            task.done(running);
        } catch (RuntimeException e) {
            LOG.debug("No progress task for the pod restore: {}", e.toString());
            task = null;
        }
    }

    private void endTask() {
        if (task == null || task.ended()) {
            return;
        }
        if (notRunning.isEmpty()) {
            task.succeeded("pods restored in " + seconds(finished) + " s: " + running + " running" + launcherNote());
        } else {
            task.failed(running + " of " + pods + " running after " + seconds(finished) + " s; not running: "
                    + String.join(", ", notRunning));
        }
    }

    /** How many pods the launcher started before the framework, if any. */
    private String launcherNote() {
        return startedByLauncher == 0 ? "" : ", " + startedByLauncher + " started by the launcher before the framework";
    }

    /** @return how many of the running pods the pods-first launcher started */
    synchronized int startedByLauncher() {
        return startedByLauncher;
    }

    private Duration since() {
        return Duration.between(processStart, clock.instant());
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f", duration.toMillis() / 1000.0);
    }
}
