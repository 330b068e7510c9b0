package io.karedge.dmi.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.twin.TwinEngine;
import java.io.IOException;
import java.time.Clock;
import java.util.SortedSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The DMI server's parts, wired and started in order (registry, catalog, DMI socket) and stopped in
 * reverse. Independent of OSGi so that tests can run it.
 */
final class DmiService implements AutoCloseable {

    private final ScheduledExecutorService scheduler;
    private final MapperChannels channels;
    private final MapperHub hub;
    private final DeviceCatalog catalog;
    private final CatalogFeed feed;
    private final DmiServer server;

    DmiService(DmiSettings settings, String nodeName, MetaStore store, TwinEngine twins,
               Consumer<SortedSet<String>> claimsChanged, Clock clock) throws IOException {
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "karedge-dmi-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = Executors.unconfigurableScheduledExecutorService(executor);
        this.channels = new MapperChannels(settings.dialTimeoutMillis());
        this.hub = new MapperHub(channels, new MapperFile(settings.registryFile()), scheduler, settings, claimsChanged);
        this.catalog = new DeviceCatalog(nodeName, hub, id -> acceptedDesired(twins, id), settings.resendMillis(),
                settings.resendMaxMillis(), settings.enforceDesired());
        hub.countDevicesWith(catalog::deviceCount);
        this.feed = new CatalogFeed(store, catalog, scheduler);
        DmiServer started = null;
        try {
            hub.restore();
            feed.start();
            started = DmiServer.start(settings.socketPath(), new ManagerService(catalog, hub, twins,
                    new TokenBucket(settings.ratePerSecond(), settings.burst(), System::nanoTime),
                    settings.reportTimeoutMillis(), clock));
        } finally {
            if (started == null) {
                stopParts();
            }
        }
        this.server = started;
    }

    /** The twin's expected values of a device: the accepted desired values, which the mapper is given. */
    static java.util.Map<String, String> acceptedDesired(TwinEngine twins, String deviceId) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        twins.device(deviceId).ifPresent(twin -> twin.twins().forEach((property, record) -> {
            var expected = record.twin().path("expected").path("value");
            if (expected.isTextual() && !expected.asText().isEmpty()
                    && !"deleted".equals(record.twin().path("metadata").path("type").asText())) {
                values.put(property, expected.asText());
            }
        }));
        return values;
    }

    /** A committed twin change: a changed expected value goes to the device's mapper. */
    void twinChanged(io.karedge.api.twin.TwinChange change) {
        // reports of drivers and mappers carry actual values only: they never change a desired value
        boolean desired = change.origin() != io.karedge.api.twin.TwinOrigin.MAPPER
                && change.origin() != io.karedge.api.twin.TwinOrigin.DRIVER
                && change.twins().values().stream().anyMatch(record -> record.twin().path("expected").has("value"));
        int slash = change.deviceId().indexOf('/');
        if (!desired || slash <= 0) {
            return;
        }
        String namespace = change.deviceId().substring(0, slash);
        String name = change.deviceId().substring(slash + 1);
        try {
            scheduler.execute(() -> catalog.refresh(namespace, name));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    MapperHub registry() {
        return hub;
    }

    DeviceCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        server.close();
        stopParts();
    }

    private void stopParts() {
        feed.stop();
        hub.close();
        channels.close();
        scheduler.shutdownNow();
    }
}
