package io.karedge.pod.manager.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pod's work one task at a time, in order, on the shared pool, so that runtime calls for a pod
 * never overlap and no thread is dedicated to a pod.
 */
final class SerialQueue implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);

    private final Executor pool;
    private final String name;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialQueue(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        submit();
    }

    private void submit() {
        try {
            pool.execute(this::drainOne);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                tasks.clear();
                scheduled = false;
            }
        }
    }

    private void drainOne() {
        Runnable next;
        synchronized (this) {
            next = tasks.poll();
            if (next == null) {
                scheduled = false;
                return;
            }
        }
        try {
            next.run();
        } catch (RuntimeException | Error e) {
            LOG.warn("Work on pod {} failed", name, e);
        } finally {
            Thread.interrupted();
        }
        synchronized (this) {
            if (tasks.isEmpty()) {
                scheduled = false;
                return;
            }
        }
        submit();
    }
}
