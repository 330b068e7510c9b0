package io.karedge.store.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoreCommitStatistics;
import io.karedge.api.meta.StoreStatus;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchListener;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.twin.TwinRecord;
import io.karedge.api.twin.TwinStore;
import io.karedge.api.twin.TwinVersionConflictException;
import io.karedge.api.twin.TwinWrite;
import io.karedge.api.uplink.Uplink;
import io.karedge.api.uplink.UplinkEntry;
import io.karedge.api.uplink.UplinkMessage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Registers {@link MetaStore}, {@link TwinStore} and {@link Uplink}, all three on one SQLite database
 * ({@code <dataDirectory>/karedge.db}), and {@link StoreStatus} with its commit figures, and closes the
 * database cleanly when deactivated. A configuration change
 * reactivates the component (open watches are closed with "store is stopping").
 */
@Component(service = {MetaStore.class, TwinStore.class, Uplink.class, StoreStatus.class},
        configurationPid = StoreComponent.PID)
@Designate(ocd = StoreComponent.Config.class)
public final class StoreComponent implements MetaStore, TwinStore, Uplink, StoreStatus {

    static final String PID = "io.karedge.store";

    /** Configuration PID {@code io.karedge.store}. */
    @ObjectClassDefinition(id = PID, name = "Karedge store",
            description = "The node's durable MetaStore, TwinStore and Uplink on one SQLite database.")
    public @interface Config {

        @AttributeDefinition(name = "synchronous",
                description = "FULL: a returned write survives a process crash and a power loss. NORMAL: it"
                        + " survives a process crash, but the latest writes may be lost on power loss.",
                options = {@Option(label = "FULL", value = "FULL"), @Option(label = "NORMAL", value = "NORMAL")})
        String synchronous() default "FULL";

        @AttributeDefinition(name = "event.retention",
                description = "Number of MetaStore changes kept for watch replay.", min = "1")
        int event_retention() default StoreSettings.DEFAULT_EVENT_RETENTION;

        @AttributeDefinition(name = "max.batch",
                description = "Most writes committed together in one transaction (group commit).", min = "1")
        int max_batch() default StoreSettings.DEFAULT_MAX_BATCH;

        @AttributeDefinition(name = "watch.queue.limit",
                description = "Events a watcher may lag behind before it is closed.", min = "1")
        int watch_queue_limit() default StoreSettings.DEFAULT_WATCH_QUEUE_LIMIT;

        @AttributeDefinition(name = "uplink.max.entries",
                description = "Uplink entries without a coalesce key (uploads of local MQTT clients) that may wait"
                        + " for the cloud; a further one is refused.", min = "1")
        long uplink_max_entries() default StoreSettings.DEFAULT_UPLINK_MAX_ENTRIES;

        @AttributeDefinition(name = "uplink.max.bytes",
                description = "Bytes of content those entries may hold together; a further one is refused.",
                min = "1")
        long uplink_max_bytes() default StoreSettings.DEFAULT_UPLINK_MAX_BYTES;
    }

    private final Store store;

    @Activate
    public StoreComponent(@Reference(name = "node") EdgeNode node, Config config) {
        this.store = Store.open(node.dataDirectory(), StoreSettings.from(config));
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    // ---- MetaStore ----

    @Override
    public StoredObject put(ObjectNode object, String source) {
        return store.metaStore().put(object, source);
    }

    @Override
    public Optional<StoredObject> get(ObjectKey key) {
        return store.metaStore().get(key);
    }

    @Override
    public ListResult list(Selector selector) {
        return store.metaStore().list(selector);
    }

    @Override
    public Optional<StoredObject> delete(ObjectKey key) {
        return store.metaStore().delete(key);
    }

    @Override
    public long resourceVersion() {
        return store.metaStore().resourceVersion();
    }

    @Override
    public long oldestWatchableVersion() {
        return store.metaStore().oldestWatchableVersion();
    }

    @Override
    public Watch watch(Selector selector, long fromVersion, WatchListener listener)
            throws ResourceVersionTooOldException {
        return store.metaStore().watch(selector, fromVersion, listener);
    }

    @Override
    public Map<String, Long> countByKind() {
        return store.metaStore().countByKind();
    }

    // ---- TwinStore ----

    @Override
    public Map<String, TwinRecord> get(String deviceId) {
        return store.twinStore().get(deviceId);
    }

    @Override
    public Optional<TwinRecord> get(String deviceId, String property) {
        return store.twinStore().get(deviceId, property);
    }

    @Override
    public TwinRecord put(String deviceId, String property, JsonNode twin, long expectedVersion)
            throws TwinVersionConflictException {
        return store.twinStore().put(deviceId, property, twin, expectedVersion);
    }

    @Override
    public Map<String, TwinRecord> putAll(String deviceId, Map<String, JsonNode> twins) {
        return store.twinStore().putAll(deviceId, twins);
    }

    @Override
    public Map<String, TwinRecord> write(TwinWrite write) throws TwinVersionConflictException {
        return store.twinStore().write(write);
    }

    @Override
    public boolean delete(String deviceId, String property) {
        return store.twinStore().delete(deviceId, property);
    }

    @Override
    public int deleteDevice(String deviceId) {
        return store.twinStore().deleteDevice(deviceId);
    }

    @Override
    public Set<String> devices() {
        return store.twinStore().devices();
    }

    @Override
    public long count() {
        return store.twinStore().count();
    }

    // ---- Uplink ----

    @Override
    public UplinkEntry enqueue(UplinkMessage message) {
        return store.uplink().enqueue(message);
    }

    @Override
    public List<UplinkEntry> pending(long afterSequence, int max) {
        return store.uplink().pending(afterSequence, max);
    }

    @Override
    public void acknowledge(long sequence) {
        store.uplink().acknowledge(sequence);
    }

    @Override
    public long depth() {
        return store.uplink().depth();
    }

    @Override
    public long refused() {
        return store.uplink().refused();
    }

    @Override
    public StoreCommitStatistics commits() {
        return store.database().commitStatistics();
    }

    @Override
    public AutoCloseable onEnqueue(Runnable callback) {
        return store.uplink().onEnqueue(callback);
    }
}
