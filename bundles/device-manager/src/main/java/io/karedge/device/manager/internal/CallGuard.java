package io.karedge.device.manager.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a driver call made on a pool thread. When the call overruns, the guard runs the caller's timeout
 * action (mark the device offline), interrupts the thread, and lends the pool one more thread for as long
 * as the call hangs, so that a hung driver holds one thread but never stalls the other devices. At most
 * {@code maxExtraThreads} threads are lent at once. The watchdog runs on the JDK's shared delay thread, so
 * it fires even when every pool thread is busy.
 */
final class CallGuard {

    private static final Logger LOG = LoggerFactory.getLogger(CallGuard.class);

    private final ThreadPoolExecutor pool;
    private final int baseThreads;
    private final int maxExtraThreads;
    private final AtomicInteger lent = new AtomicInteger();

    CallGuard(ThreadPoolExecutor pool, int maxExtraThreads) {
        this.pool = pool;
        this.baseThreads = pool.getCorePoolSize();
        this.maxExtraThreads = maxExtraThreads;
    }

    /**
     * Runs {@code call} on the current thread. The timeout action runs before the call is seen to
     * return, never after; it must not block.
     *
     * @throws TimeoutException if the call overran (also when it returned a result afterwards: a late
     *                          result is discarded)
     * @throws Exception        whatever the call threw
     */
    <T> T call(long timeoutMillis, Callable<T> call, Runnable onTimeout) throws Exception {
        Watch watch = new Watch(Thread.currentThread(), onTimeout);
        CompletableFuture.delayedExecutor(timeoutMillis, TimeUnit.MILLISECONDS, Runnable::run).execute(watch::expire);
        T result;
        try {
            result = call.call();
        } catch (InterruptedException e) {
            if (watch.finish()) {
                throw new TimeoutException("no answer within " + timeoutMillis + " ms");
            }
            throw e;
        } catch (Exception | Error e) {
            if (watch.finish()) {
                throw new TimeoutException("no answer within " + timeoutMillis + " ms (then failed: " + e + ")");
            }
            throw e;
        } finally {
            watch.finish();
            Thread.interrupted();
        }
        if (watch.expired) {
            throw new TimeoutException("no answer within " + timeoutMillis + " ms (answered late)");
        }
        return result;
    }

    /** @return threads currently lent to the pool for hung calls */
    int lentThreads() {
        return lent.get();
    }

    private final class Watch {
        private final Thread thread;
        private final Runnable onTimeout;
        private boolean done;
        private boolean expired;
        private boolean borrowed;

        Watch(Thread thread, Runnable onTimeout) {
            this.thread = thread;
            this.onTimeout = onTimeout;
        }

        void expire() {
            synchronized (this) {
                if (done) {
                    return;
                }
                expired = true;
                if (lent.incrementAndGet() <= maxExtraThreads) {
                    borrowed = true;
                    resize();
                } else {
                    lent.decrementAndGet();
                }
                try {
                    onTimeout.run();
                } catch (RuntimeException e) {
                    LOG.warn("Timeout action failed", e);
                }
                thread.interrupt();
            }
        }

        /** @return whether the call had expired */
        synchronized boolean finish() {
            if (!done) {
                done = true;
                if (borrowed) {
                    lent.decrementAndGet();
                    resize();
                }
            }
            return expired;
        }
    }

    private synchronized void resize() {
        if (pool.isShutdown()) {
            return;
        }
        int size = baseThreads + Math.max(0, lent.get());
        if (size > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
        }
        pool.setCorePoolSize(size);
    }
}
