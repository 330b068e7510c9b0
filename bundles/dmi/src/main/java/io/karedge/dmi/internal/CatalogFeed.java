package io.karedge.dmi.internal;

import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link DeviceCatalog} from the MetaStore: list Device and DeviceModel, then watch each kind
 * from its list version. When a watch ends unexpectedly (store restart, listener too slow), both kinds are
 * listed again after a short pause and the differences are pushed.
 */
final class CatalogFeed {

    static final long RELIST_DELAY_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(CatalogFeed.class);

    private final MetaStore store;
    private final DeviceCatalog catalog;
    private final ScheduledExecutorService scheduler;
    private Watch deviceWatch;
    private Watch modelWatch;
    private boolean started;
    private boolean stopped;
    private boolean relistScheduled;

    CatalogFeed(MetaStore store, DeviceCatalog catalog, ScheduledExecutorService scheduler) {
        this.store = store;
        this.catalog = catalog;
        this.scheduler = scheduler;
    }

    /** Lists and watches; the first list is silent (the mappers already hold what they were given). */
    synchronized void start() {
        open(false);
    }

    synchronized void stop() {
        stopped = true;
        closeWatches();
    }

    private void open(boolean announce) {
        if (stopped) {
            return;
        }
        closeWatches();
        try {
            ListResult models = store.list(Selector.kind(Kinds.DEVICE_MODEL));
            ListResult devices = store.list(Selector.kind(Kinds.DEVICE));
            catalog.replaceAll(devices.items(), models.items(), announce);
            modelWatch = store.watch(Selector.kind(Kinds.DEVICE_MODEL), models.resourceVersion(),
                    new Listener(Kinds.DEVICE_MODEL));
            deviceWatch = store.watch(Selector.kind(Kinds.DEVICE), devices.resourceVersion(),
                    new Listener(Kinds.DEVICE));
            started = true;
            LOG.debug("Watching devices from version {} and models from version {}", devices.resourceVersion(),
                    models.resourceVersion());
        } catch (RuntimeException | ResourceVersionTooOldException e) {
            LOG.warn("Cannot list and watch devices ({}); trying again in {} ms", e.toString(), RELIST_DELAY_MILLIS);
            closeWatches();
            scheduleRelist();
        }
    }

    private void closeWatches() {
        Watch devices = deviceWatch;
        Watch models = modelWatch;
        deviceWatch = null;
        modelWatch = null;
        if (devices != null) {
            devices.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private synchronized void watchEnded(Throwable reason) {
        if (stopped || reason == null) {
            return;
        }
        LOG.warn("MetaStore watch ended ({}); listing again in {} ms", reason.toString(), RELIST_DELAY_MILLIS);
        scheduleRelist();
    }

    private void scheduleRelist() {
        if (relistScheduled || stopped) {
            return;
        }
        relistScheduled = true;
        scheduler.schedule(() -> {
            synchronized (CatalogFeed.this) {
                relistScheduled = false;
                open(started);
            }
        }, RELIST_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private final class Listener implements WatchListener {

        private final String kind;

        Listener(String kind) {
            this.kind = kind;
        }

        @Override
        public void onEvent(WatchEvent event) {
            Optional<io.karedge.api.meta.StoredObject> object =
                    event.type() == WatchEvent.Type.DELETED ? Optional.empty() : Optional.of(event.object());
            try {
                if (Kinds.DEVICE.equals(kind)) {
                    catalog.deviceChanged(event.object().key(), object);
                } else {
                    catalog.modelChanged(event.object().key(), object);
                }
            } catch (RuntimeException e) {
                LOG.error("{} {} could not be processed", kind, event.object().key(), e);
            }
        }

        @Override
        public void onClose(Throwable reason) {
            if (reason == null) {
                return;
            }
            try {
                scheduler.execute(() -> watchEnded(reason));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("Watch ended while stopping: {}", reason.toString());
            }
        }
    }
}
