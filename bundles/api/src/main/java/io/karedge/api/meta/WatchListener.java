package io.karedge.api.meta;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the events of one watch, in resourceVersion order, one at a time, on a thread owned by the
 * store. A listener should return quickly; a listener that falls far behind is closed with
 * {@link #onClose(Throwable)} rather than slowing down writers.
 */
@ConsumerType
public interface WatchListener {

    void onEvent(WatchEvent event);

    /**
     * Called once when the watch ends: {@code null} after {@link Watch#close()}, the reason otherwise
     * (the store stopped, the listener fell too far behind, the listener threw).
     */
    default void onClose(Throwable reason) {
    }
}
