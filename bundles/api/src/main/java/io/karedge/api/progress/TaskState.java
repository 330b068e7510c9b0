package io.karedge.api.progress;

/** Where a task is: running, or ended one way or the other. */
public enum TaskState {
    RUNNING,
    SUCCEEDED,
    FAILED
}
