package io.karedge.pod;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the pods this node ran before it (re)started came back: the pods of this node that were in the
 * MetaStore when the pod manager started, and how long it took until each had every container running.
 * Times count from the start of the node's process.
 *
 * @param pods          pods to bring back (not being deleted when the pod manager started)
 * @param running       of those, the ones with every container running (once; a later crash does not lower it)
 * @param done          every pod is running, or settled otherwise (deleted, ended, or failing to start: see
 *                      {@code notRunning}), or the restore gave up waiting
 * @param managerStarted when the pod manager started
 * @param runtimeReady  when the first pod's sandbox was ready, or {@code null} before
 * @param elapsed       until the last pod was running (while not done: until now)
 * @param notRunning    {@code namespace/name: reason} of each pod that settled without running
 */
public record PodRestore(int pods, int running, boolean done, Duration managerStarted, Duration runtimeReady,
                         Duration elapsed, List<String> notRunning) {

    public PodRestore {
        Objects.requireNonNull(managerStarted, "managerStarted");
        Objects.requireNonNull(elapsed, "elapsed");
        notRunning = List.copyOf(notRunning);
    }
}
