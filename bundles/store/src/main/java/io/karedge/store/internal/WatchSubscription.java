package io.karedge.store.internal;

import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open watch: its replayed history, the live events queued for it, and the delivery of both to the
 * listener on the shared delivery executor, one event at a time and in version order. At most one
 * delivery task per watch is queued or running, so a watch never needs a thread of its own.
 */
final class WatchSubscription implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(WatchSubscription.class);

    /** Events delivered in one task before the watch gives the delivery threads to other watches. */
    private static final int EVENTS_PER_TASK = 256;

    private final WatchHub hub;
    private final Selector selector;
    private final WatchListener listener;
    private final int queueLimit;
    private final Executor executor;
    /** Held while the listener is called, so that close() can wait for a call in progress. */
    private final ReentrantLock delivery = new ReentrantLock();

    // guarded by "this"
    private final ArrayDeque<WatchEvent> replay = new ArrayDeque<>();
    private final ArrayDeque<WatchEvent> live = new ArrayDeque<>();
    private boolean started;
    private boolean scheduled;
    private Throwable closeReason;

    private volatile boolean open = true;
    private volatile long lastDelivered;
    /** Whether onClose was called (or must not be); written with the delivery lock held, or before start. */
    private volatile boolean closeNotified;

    WatchSubscription(WatchHub hub, Selector selector, WatchListener listener, long startAfter, int queueLimit,
                      Executor executor) {
        this.hub = hub;
        this.selector = selector;
        this.listener = listener;
        this.queueLimit = queueLimit;
        this.executor = executor;
        this.lastDelivered = startAfter;
    }

    /** Queues a live event. Called by the writer thread with the hub's lock held; never blocks. */
    void offer(WatchEvent event) {
        if (!selector.matches(event.object().key())) {
            return;
        }
        boolean overflow;
        synchronized (this) {
            if (!open) {
                return;
            }
            overflow = live.size() >= queueLimit;
            if (!overflow) {
                live.add(event);
                scheduleDelivery();
            }
        }
        if (overflow) {
            terminate(new StoreException("the watch fell more than " + queueLimit + " events behind and was"
                    + " closed; list again and watch from the list's resourceVersion"));
        }
    }

    /** Starts delivery: first the replayed history, then the live events queued meanwhile. */
    void start(List<WatchEvent> history) {
        synchronized (this) {
            if (!open) {
                return;
            }
            replay.addAll(history);
            started = true;
            scheduleDelivery();
        }
    }

    /**
     * Ends the watch on the store's side. The listener learns the reason on a delivery thread, after
     * any call in progress has returned; no delivery thread waits for a stuck listener.
     */
    void terminate(Throwable reason) {
        if (!markClosed(reason)) {
            return;
        }
        hub.remove(this);
        Runnable notify = () -> {
            if (delivery.tryLock()) {
                releaseDelivery();
            }
            // else the thread holding it notifies when it lets go
        };
        try {
            executor.execute(notify);
        } catch (RejectedExecutionException e) {
            notify.run();
        }
    }

    /** Forgets the watch without telling the listener (its registration failed). */
    void discard() {
        closeNotified = true;
        markClosed(null);
        hub.remove(this);
    }

    /** Waits for a listener call in progress (unless it is the caller), so nothing is delivered afterwards. */
    @Override
    public void close() {
        if (markClosed(null)) {
            hub.remove(this);
        }
        delivery.lock();
        releaseDelivery();
    }

    @Override
    public long lastDeliveredVersion() {
        return lastDelivered;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String toString() {
        return "watch " + selector + " after " + lastDelivered + (open ? "" : " (closed)");
    }

    private boolean markClosed(Throwable reason) {
        synchronized (this) {
            if (!open) {
                return false;
            }
            open = false;
            closeReason = reason;
            replay.clear();
            live.clear();
            return true;
        }
    }

    /**
     * Lets go of the delivery lock, first telling the listener that the watch ended if it did and nobody
     * told it yet. Whoever closes the watch while another thread holds the lock relies on this.
     */
    private void releaseDelivery() {
        while (true) {
            if (!open && !closeNotified) {
                closeNotified = true;
                Throwable reason;
                synchronized (this) {
                    reason = closeReason;
                }
                try {
                    listener.onClose(reason);
                } catch (RuntimeException e) {
                    LOG.warn("A watch listener failed in onClose", e);
                }
            }
            delivery.unlock();
            if (open || closeNotified || !delivery.tryLock()) {
                return;
            }
        }
    }

    /** Must hold "this". */
    private void scheduleDelivery() {
        if (!started || scheduled || !open || (replay.isEmpty() && live.isEmpty())) {
            return;
        }
        scheduled = true;
        try {
            executor.execute(this::deliver);
        } catch (RejectedExecutionException e) {
            // the store is stopping; the watch is about to be closed
            scheduled = false;
        }
    }

    private void deliver() {
        for (int i = 0; i < EVENTS_PER_TASK; i++) {
            delivery.lock();
            try {
                WatchEvent event;
                synchronized (this) {
                    event = open ? (replay.isEmpty() ? live.poll() : replay.poll()) : null;
                    if (event == null) {
                        scheduled = false;
                        return;
                    }
                }
                if (event.resourceVersion() <= lastDelivered) {
                    continue;
                }
                lastDelivered = event.resourceVersion();
                try {
                    listener.onEvent(event);
                } catch (RuntimeException | Error failure) {
                    if (markClosed(failure)) {
                        hub.remove(this);
                    }
                    return;
                }
            } finally {
                releaseDelivery();
            }
        }
        try {
            executor.execute(this::deliver);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                scheduled = false;
            }
        }
    }
}
