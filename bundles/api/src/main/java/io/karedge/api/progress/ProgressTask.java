package io.karedge.api.progress;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One piece of long work as it reports itself. Every method may be called from any thread; after the task
 * ended (succeeded or failed) further calls change nothing.
 */
@ProviderType
public interface ProgressTask {

    /** The unit of work counted in steps of differing length: no rate or ETA. */
    String STEPS = "steps";

    /** @return the task's id, unique within the node's run */
    String id();

    /** Says what the work is doing now ({@code requesting the certificate}). */
    void phase(String text);

    /** Sets the units of work in all ({@code 0} or less: unknown). */
    void total(long units);

    /** Sets the units done so far. */
    void done(long units);

    /** Adds to the units done. */
    void advance(long units);

    /** Ends the task as succeeded, with what came out of it ({@code 3 devices on modbus 0.2.0}), or null. */
    void succeeded(String result);

    /** Ends the task as failed, with the reason. */
    void failed(String reason);

    /** @return whether the task has ended */
    boolean ended();
}
