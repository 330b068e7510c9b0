package io.karedge.dmi.internal;

import io.karedge.dmi.MapperRegistry;
import io.karedge.dmi.MapperState;
import io.karedge.dmi.MapperStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered mappers, one per protocol, each with its {@link MapperConnection}; routes the catalog's
 * pushes to them, keeps the registry file, and reports which protocols are claimed.
 */
final class MapperHub implements MapperRegistry, DeviceCatalog.Sink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MapperHub.class);

    private final MapperChannels channels;
    private final MapperFile file;
    private final ScheduledExecutorService scheduler;
    private final DmiSettings settings;
    private final Consumer<SortedSet<String>> claimsChanged;
    private final Map<String, MapperConnection> byProtocol = new ConcurrentSkipListMap<>();
    private volatile SortedSet<String> lastClaims = new TreeSet<>();
    private final Map<String, java.time.Instant> lastReports = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.function.ToIntFunction<String> deviceCount = protocol -> 0;
    private volatile boolean closed;

    /**
     * @param claimsChanged told (on the scheduler) of the claimed protocols whenever they change
     */
    MapperHub(MapperChannels channels, MapperFile file, ScheduledExecutorService scheduler, DmiSettings settings,
              Consumer<SortedSet<String>> claimsChanged) {
        this.channels = channels;
        this.file = file;
        this.scheduler = scheduler;
        this.settings = settings;
        this.claimsChanged = claimsChanged;
    }

    /** Re-dials the mappers of the registry file (after a restart). */
    void restore() {
        for (MapperRecord record : file.load()) {
            LOG.info("Re-dialling mapper {} ({}) at {}", record.name(), record.protocol(), record.address());
            install(record, false);
        }
        publishClaims();
    }

    /**
     * Makes {@code record} the mapper of its protocol, replacing (and closing) a previous one, and saves
     * the registry. Called while the catalog's lock is held, so no push is lost between the snapshot and
     * the new connection.
     */
    void attach(MapperRecord record) {
        install(record, true);
        publishClaims();
    }

    private synchronized void install(MapperRecord record, boolean save) {
        if (closed) {
            return;
        }
        MapperConnection connection = new MapperConnection(record, channels.open(record.address()), scheduler,
                settings.callTimeoutMillis(), new Backoff(settings.retryInitialMillis(), settings.retryMaxMillis()),
                this::stateChanged, settings.graceMillis());
        MapperConnection previous = byProtocol.put(record.protocol(), connection);
        if (previous != null) {
            previous.close();
            if (!previous.record().name().equals(record.name()) || !previous.record().address().equals(record.address())) {
                LOG.info("Mapper {} at {} replaces mapper {} at {} for protocol {}", record.name(), record.address(),
                        previous.record().name(), previous.record().address(), record.protocol());
            }
        }
        if (save) {
            file.save(byProtocol.values().stream().map(MapperConnection::record).toList());
        }
        connection.start();
    }

    @Override
    public void push(String protocol, Push push) {
        MapperConnection connection = byProtocol.get(protocol);
        if (connection == null) {
            LOG.debug("No mapper for protocol {}; {} is delivered when one registers", protocol, push);
            return;
        }
        connection.enqueue(push);
    }

    /** Counts the devices given to the mapper of a protocol (the catalog's). */
    void countDevicesWith(java.util.function.ToIntFunction<String> counter) {
        this.deviceCount = counter;
    }

    /** A mapper of {@code protocol} reported a twin or a state at {@code at}. */
    void reported(String protocol, java.time.Instant at) {
        if (protocol != null && byProtocol.containsKey(protocol)) {
            lastReports.put(protocol, at);
        }
    }

    @Override
    public List<MapperStatus> mappers() {
        List<MapperStatus> result = new ArrayList<>();
        for (MapperConnection connection : byProtocol.values()) {
            result.add(withCounts(connection.status()));
        }
        return result;
    }

    @Override
    public Optional<MapperStatus> mapper(String protocol) {
        MapperConnection connection = protocol == null ? null : byProtocol.get(protocol);
        return connection == null ? Optional.empty() : Optional.of(withCounts(connection.status()));
    }

    private MapperStatus withCounts(MapperStatus status) {
        return new MapperStatus(status.name(), status.protocol(), status.address(), status.version(),
                status.apiVersion(), status.state(), status.registeredAt(), status.lastError(), status.pending(),
                deviceCount.applyAsInt(status.protocol()), lastReports.get(status.protocol()));
    }

    /** @return the protocols whose mapper is registered and not unreachable */
    SortedSet<String> claimedProtocols() {
        SortedSet<String> claimed = new TreeSet<>();
        for (MapperConnection connection : byProtocol.values()) {
            if (connection.state().claims()) {
                claimed.add(connection.record().protocol());
            }
        }
        return claimed;
    }

    private void stateChanged(MapperConnection connection, MapperState before, MapperState after) {
        if (before.claims() != after.claims()) {
            publishClaims();
        }
    }

    private void publishClaims() {
        if (closed) {
            return;
        }
        try {
            scheduler.execute(() -> {
                SortedSet<String> claims = claimedProtocols();
                synchronized (this) {
                    if (claims.equals(lastClaims) || closed) {
                        return;
                    }
                    lastClaims = claims;
                }
                LOG.info("Protocols claimed by external mappers: {}", claims);
                claimsChanged.accept(claims);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Claims not published while stopping");
        }
    }

    @Override
    public void close() {
        List<MapperConnection> connections;
        synchronized (this) {
            closed = true;
            connections = new ArrayList<>(byProtocol.values());
            byProtocol.clear();
        }
        connections.forEach(MapperConnection::close);
    }
}
