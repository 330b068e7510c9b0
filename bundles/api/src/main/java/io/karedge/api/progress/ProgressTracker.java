package io.karedge.api.progress;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's record of long work under way and recently finished. Producers {@link #start} a task and
 * report into it; readers take {@link #tasks()} snapshots. The tracker keeps a bounded number of tasks
 * (the running ones and the last finished ones; older finished tasks are dropped) and runs no threads:
 * everything happens on the caller's thread, and every method is safe to call from any thread.
 */
@ProviderType
public interface ProgressTracker {

    /** The kind of a {@code feature:install}, a feature pod's or a driver's deployment by Karaf's features service. */
    String FEATURE_INSTALL = "feature-install";
    /** The kind of joining the cloud: credentials, connect, first sync. */
    String JOIN = "join";
    /** The kind of devices re-bound after their protocol driver was replaced. */
    String DRIVER_SWAP = "driver-swap";
    /** The kind of the Uplink backlog sent after the cloud link came back. */
    String UPLINK_DRAIN = "uplink-drain";

    /**
     * Opens a task.
     *
     * @param kind  what sort of work, one of the constants here or another short word
     * @param title what this task is about, for people ({@code karedge-protocol-modbus}, {@code join
     *              10.0.0.5:10000 as edge-7})
     * @param total units of work in all, or {@code 0} or less while unknown
     * @param unit  what a unit is ({@code entries}, {@code devices}) or {@link ProgressTask#STEPS}: steps
     *              differ in length, so no rate or ETA is computed for them
     * @return the task, running; it stays until ended (and then among the last finished ones)
     */
    ProgressTask start(String kind, String title, long total, String unit);

    /** @return the running tasks, oldest first, then the finished ones kept, the last finished first */
    List<TaskProgress> tasks();
}
