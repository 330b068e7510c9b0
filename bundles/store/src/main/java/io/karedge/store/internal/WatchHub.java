package io.karedge.store.internal;

import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreException;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * Fans committed MetaStore changes out to the open watches.
 *
 * <p>The writer thread publishes each committed change under the hub's lock; a watch registers under
 * the same lock and learns the version published last. Every change up to that version is in the
 * database (it committed before it was published), every later one will reach the new watch's queue:
 * replaying from the database up to that version and then draining the queue leaves no gap and no
 * duplicate. Publishing only appends to queues, so a slow listener never slows the writer.
 */
final class WatchHub {

    private final Object lock = new Object();
    private final List<WatchSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Executor deliveryExecutor;
    private final int queueLimit;
    private long publishedVersion;
    private long oldestWatchableVersion;
    private boolean stopped;

    WatchHub(Executor deliveryExecutor, int queueLimit, long publishedVersion, long oldestWatchableVersion) {
        this.deliveryExecutor = deliveryExecutor;
        this.queueLimit = queueLimit;
        this.publishedVersion = publishedVersion;
        this.oldestWatchableVersion = oldestWatchableVersion;
    }

    /** A watch registered at a point of the change stream, still waiting for its replay. */
    record Registration(WatchSubscription subscription, long publishedVersion) {
    }

    /**
     * Called by the writer thread, in version order, after the change committed.
     *
     * @param oldestWatchable the oldest version a watch can start from once this change is visible
     */
    void publish(WatchEvent event, long oldestWatchable) {
        synchronized (lock) {
            publishedVersion = event.resourceVersion();
            oldestWatchableVersion = Math.max(oldestWatchableVersion, oldestWatchable);
            for (WatchSubscription subscription : subscriptions) {
                subscription.offer(event);
            }
        }
    }

    /**
     * Registers a watch whose events start after {@code fromVersion} (or after the latest published
     * version if {@code fromVersion} is negative). Live events are queued from now on; nothing is
     * delivered before {@link WatchSubscription#start} is called.
     */
    Registration register(Selector selector, long fromVersion, WatchListener listener)
            throws ResourceVersionTooOldException {
        synchronized (lock) {
            if (stopped) {
                throw new StoreException("store is stopping");
            }
            if (fromVersion >= 0 && fromVersion < oldestWatchableVersion) {
                throw new ResourceVersionTooOldException(fromVersion, oldestWatchableVersion);
            }
            long startAfter = fromVersion < 0 ? publishedVersion : fromVersion;
            WatchSubscription subscription = new WatchSubscription(this, selector, listener, startAfter,
                    queueLimit, deliveryExecutor);
            subscriptions.add(subscription);
            return new Registration(subscription, publishedVersion);
        }
    }

    void remove(WatchSubscription subscription) {
        synchronized (lock) {
            subscriptions.remove(subscription);
        }
    }

    long publishedVersion() {
        synchronized (lock) {
            return publishedVersion;
        }
    }

    long oldestWatchableVersion() {
        synchronized (lock) {
            return oldestWatchableVersion;
        }
    }

    int openWatches() {
        return subscriptions.size();
    }

    /** Ends every watch with {@code reason} and refuses new ones; used when the store stops. */
    void closeAll(Throwable reason) {
        List<WatchSubscription> open;
        synchronized (lock) {
            stopped = true;
            open = List.copyOf(subscriptions);
            subscriptions.clear();
        }
        for (WatchSubscription subscription : open) {
            subscription.terminate(reason);
        }
    }
}
