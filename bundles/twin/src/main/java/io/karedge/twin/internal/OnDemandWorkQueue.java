package io.karedge.twin.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The work queue of a pool that starts threads on demand: a task is queued only when a worker is free
 * to take it or the pool is at its maximum; otherwise the queue refuses it and {@link ThreadPoolExecutor}
 * starts another worker. A plain queue makes the executor start a thread for every task until the core
 * size is reached, even on an idle node; here the pool is as large as the work that waits at one time
 * (up to the maximum) and idle workers end after the keep-alive time.
 *
 * <p>Waiting workers take tasks in turn (first come, first served), so a trickle of one task a second would
 * keep every worker of a past burst alive: each gets a task before its keep-alive runs out. Only the first
 * {@code keptIdle} waiting workers therefore wait the whole keep-alive time; any further one waits at most
 * {@code surplusWait} and then ends, and the pool shrinks to what the work needs.
 */
final class OnDemandWorkQueue extends LinkedBlockingQueue<Runnable> {

    private static final long serialVersionUID = 1L;
    static final int KEPT_IDLE = 2;
    static final long SURPLUS_WAIT_MILLIS = 1000;

    private final int keptIdle;
    private final long surplusWaitNanos;
    /**
     * Guards {@link #parked} together with handing out and queueing tasks, so a worker is either parked
     * (and counted as free) or has its task, never in between: a task offered while a worker has just taken
     * another one must not be queued for that worker as if it were still free.
     */
    private final ReentrantLock handOver = new ReentrantLock();
    private final Condition queued = handOver.newCondition();
    private int parked;
    private transient ThreadPoolExecutor executor;

    OnDemandWorkQueue() {
        this(KEPT_IDLE, SURPLUS_WAIT_MILLIS);
    }

    OnDemandWorkQueue(int keptIdle, long surplusWaitMillis) {
        this.keptIdle = keptIdle;
        this.surplusWaitNanos = TimeUnit.MILLISECONDS.toNanos(surplusWaitMillis);
    }

    void attach(ThreadPoolExecutor pool) {
        this.executor = pool;
    }

    @Override
    public boolean offer(Runnable task) {
        handOver.lock();
        try {
            ThreadPoolExecutor pool = executor;
            if (pool != null && pool.getPoolSize() < pool.getMaximumPoolSize() && parked <= size()) {
                return false; // no free worker for it: let the executor start one more
            }
            return queue(task);
        } finally {
            handOver.unlock();
        }
    }

    /** The executor's idle workers wait here; see the class comment for who waits how long. */
    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        handOver.lockInterruptibly();
        try {
            long wait = unit.toNanos(timeout);
            if (parked + 1 > keptIdle) {
                wait = Math.min(wait, surplusWaitNanos);
            }
            while (true) {
                Runnable task = super.poll();
                if (task != null || wait <= 0) {
                    return task;
                }
                parked++;
                try {
                    wait = queued.awaitNanos(wait);
                } finally {
                    parked--;
                }
            }
        } finally {
            handOver.unlock();
        }
    }

    @Override
    public Runnable take() throws InterruptedException {
        while (true) {
            Runnable task = poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
            if (task != null) {
                return task;
            }
        }
    }

    /**
     * For the executor's rejection handler: two tasks can both see room for one more worker and only one
     * gets it; the other is queued here for the workers there are. A shut-down pool still rejects.
     */
    void queueRejected(Runnable task, ThreadPoolExecutor pool) {
        handOver.lock();
        try {
            if (pool.isShutdown() || !queue(task)) {
                throw new RejectedExecutionException("twin engine stopped");
            }
        } finally {
            handOver.unlock();
        }
    }

    private boolean queue(Runnable task) {
        if (!super.offer(task)) {
            return false;
        }
        queued.signal();
        return true;
    }
}
