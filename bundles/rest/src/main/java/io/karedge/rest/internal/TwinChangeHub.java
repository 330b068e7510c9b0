package io.karedge.rest.internal;

import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinListener;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Component;

/**
 * Receives every committed twin change (a {@link TwinListener} on the whiteboard) and hands it to the
 * open twin watch streams. It returns at once: each stream has its own bounded queue.
 */
@Component(service = {TwinListener.class, TwinChangeHub.class})
public class TwinChangeHub implements TwinListener {

    private final Set<Consumer<TwinChange>> subscribers = new CopyOnWriteArraySet<>();

    @Override
    public void twinChanged(TwinChange change) {
        for (Consumer<TwinChange> subscriber : subscribers) {
            subscriber.accept(change);
        }
    }

    /** @return a handle that ends the subscription */
    AutoCloseable subscribe(Consumer<TwinChange> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    int subscribers() {
        return subscribers.size();
    }
}
