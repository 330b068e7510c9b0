package io.karedge.store.internal;

import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Records what a watch delivers, and on which threads. */
class RecordingListener implements WatchListener {

    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    final AtomicReference<Throwable> closeReason = new AtomicReference<>();

    @Override
    public void onEvent(WatchEvent event) {
        threads.add(Thread.currentThread().getName());
        events.add(event);
    }

    @Override
    public void onClose(Throwable reason) {
        closeReason.set(reason);
        closeCalls.incrementAndGet();
    }

    List<Long> versions() {
        List<Long> versions = new ArrayList<>();
        for (WatchEvent event : events) {
            versions.add(event.resourceVersion());
        }
        return versions;
    }

    boolean closed() {
        return closeCalls.get() > 0;
    }
}
