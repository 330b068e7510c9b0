package io.karedge.twin.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The work queue of a pool that starts threads on demand: a task is queued only when a worker is free
 * to take it or the pool is at its maximum; otherwise the queue refuses it and {@link ThreadPoolExecutor}
 * starts another worker. A plain queue makes the executor start a thread for every task until the core
 * size is reached, even on an idle node; here the pool is as large as the work that waits at one time
 * (up to the maximum) and idle workers end after the keep-alive time.
 */
final class OnDemandWorkQueue extends LinkedBlockingQueue<Runnable> {

    private static final long serialVersionUID = 1L;

    private transient ThreadPoolExecutor executor;

    void attach(ThreadPoolExecutor pool) {
        this.executor = pool;
    }

    @Override
    public boolean offer(Runnable task) {
        ThreadPoolExecutor pool = executor;
        if (pool != null && pool.getPoolSize() < pool.getMaximumPoolSize()
                && pool.getActiveCount() + size() >= pool.getPoolSize()) {
            return false; // every worker is busy: let the executor start one more
        }
        return super.offer(task);
    }

    /**
     * For the executor's rejection handler: two tasks can both see room for one more worker and only one
     * gets it; the other is queued here for the workers there are. A shut-down pool still rejects.
     */
    void queueRejected(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown() || !super.offer(task)) {
            throw new RejectedExecutionException("twin engine stopped");
        }
    }
}
