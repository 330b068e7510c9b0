package io.karedge.twin.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.device.DeviceProperty;
import io.karedge.api.device.ModelProperty;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ListResult;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.ObjectKey;
import io.karedge.api.meta.ResourceVersionTooOldException;
import io.karedge.api.meta.Selector;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.meta.Watch;
import io.karedge.api.meta.WatchEvent;
import io.karedge.api.meta.WatchListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engine's membership equal to the Devices in the MetaStore whose {@code spec.nodeName} is
 * empty or this node: list, reconcile, then watch from the list's version. A watch that closes is
 * reopened where it stopped; if that version is no longer kept the list is read again.
 */
final class MembershipWatcher implements WatchListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipWatcher.class);
    static final long REOPEN_DELAY_MILLIS = 1000;

    private final MetaStore metaStore;
    private final DeviceTwinEngine engine;
    private final String nodeName;
    private final ScheduledExecutorService scheduler;
    private final Set<String> members = new HashSet<>();
    private Watch watch;
    private long lastVersion;
    private boolean closed;

    MembershipWatcher(MetaStore metaStore, DeviceTwinEngine engine, String nodeName) {
        this.metaStore = metaStore;
        this.engine = engine;
        this.nodeName = nodeName;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "karedge-twin-membership");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Lists and watches on the watcher's own thread. */
    void start() {
        scheduler.execute(this::listAndWatch);
    }

    private void listAndWatch() {
        if (relist()) {
            openWatch();
        }
    }

    /** @return whether the list was read (else a retry is scheduled) */
    private boolean relist() {
        ListResult list;
        List<MemberDevice> devices = new ArrayList<>();
        try {
            list = metaStore.list(Selector.kind(Kinds.DEVICE));
            for (StoredObject object : list.items()) {
                member(object).ifPresent(devices::add);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot list the Devices of node {} ({}); trying again in {} ms", nodeName, e.toString(),
                    REOPEN_DELAY_MILLIS);
            scheduler.schedule(this::listAndWatch, REOPEN_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            return false;
        }
        synchronized (this) {
            if (closed) {
                return false;
            }
            Set<String> listed = new HashSet<>();
            for (MemberDevice device : devices) {
                listed.add(device.id());
                engine.memberChanged(device);
            }
            Set<String> known = new HashSet<>(engine.members());
            known.addAll(members);
            for (String id : known) {
                if (!listed.contains(id)) {
                    engine.memberRemoved(id);
                }
            }
            members.clear();
            members.addAll(listed);
            lastVersion = list.resourceVersion();
            LOG.info("Node {} has {} member device(s) at MetaStore version {}", nodeName, listed.size(), lastVersion);
            return true;
        }
    }

    private void openWatch() {
        long from;
        synchronized (this) {
            if (closed) {
                return;
            }
            from = lastVersion;
        }
        try {
            Watch opened = metaStore.watch(Selector.kind(Kinds.DEVICE), from, this);
            synchronized (this) {
                if (!closed) {
                    watch = opened;
                    return;
                }
            }
            opened.close();
        } catch (ResourceVersionTooOldException e) {
            LOG.info("Device watch cannot resume at version {}; listing again", from);
            scheduler.execute(this::listAndWatch);
        } catch (RuntimeException e) {
            LOG.warn("Cannot watch the Devices of node {} ({}); trying again in {} ms", nodeName, e.toString(),
                    REOPEN_DELAY_MILLIS);
            scheduler.schedule(this::openWatch, REOPEN_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onEvent(WatchEvent event) {
        String id = event.object().key().namespace() + "/" + event.object().key().name();
        Optional<MemberDevice> device = event.type() == WatchEvent.Type.DELETED ? Optional.empty()
                : member(event.object());
        synchronized (this) {
            if (closed) {
                return;
            }
            lastVersion = event.resourceVersion();
            if (device.isPresent()) {
                members.add(id);
                engine.memberChanged(device.get());
            } else if (members.remove(id)) {
                engine.memberRemoved(id);
            }
        }
    }

    /** @return whether a watch is open (for tests) */
    synchronized boolean watching() {
        return watch != null && watch.isOpen();
    }

    @Override
    public void onClose(Throwable reason) {
        synchronized (this) {
            if (closed || reason == null) {
                return;
            }
        }
        LOG.warn("Device watch of node {} closed ({}); reopening from version {}", nodeName, reason.toString(),
                lastVersion);
        scheduler.schedule(this::openWatch, REOPEN_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Looks a device up in the MetaStore directly, for a request that arrives before the watch has told the
     * engine of it (a driver reporting right after start-up, or right after the Device was written).
     *
     * @param deviceId {@code <namespace>/<name>}
     * @return the device if it is stored and belongs to this node
     */
    Optional<MemberDevice> lookup(String deviceId) {
        int slash = deviceId == null ? -1 : deviceId.indexOf('/');
        if (slash <= 0 || slash == deviceId.length() - 1) {
            return Optional.empty();
        }
        try {
            return metaStore.get(ObjectKey.of(Kinds.DEVICE, deviceId.substring(0, slash), deviceId.substring(slash + 1)))
                    .flatMap(this::member);
        } catch (RuntimeException e) {
            LOG.debug("Device {} could not be looked up: {}", Logs.clip(deviceId), e.toString());
            return Optional.empty();
        }
    }

    /** @return the device if it belongs to this node and can be read */
    private Optional<MemberDevice> member(StoredObject object) {
        Device device;
        try {
            device = KaredgeJson.mapper().treeToValue(object.object(), Device.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warn("Device {} cannot be read and is ignored: {}", object.key(), Logs.clip(e.getMessage()));
            return Optional.empty();
        }
        String deviceNode = device.spec() == null || device.spec().nodeName() == null ? "" : device.spec().nodeName();
        if (!deviceNode.isEmpty() && !deviceNode.equals(nodeName)) {
            return Optional.empty();
        }
        String namespace = object.key().namespace();
        String name = object.key().name();
        Map<String, String> labels = device.metadata() == null ? null : device.metadata().getLabels();
        String description = labels == null || labels.get("description") == null ? "" : labels.get("description");
        DeviceModel model = model(namespace, device.modelName());
        List<MemberDevice.Desired> desired = new ArrayList<>();
        if (device.spec() != null) {
            for (DeviceProperty property : device.spec().properties()) {
                if (property.name() == null || property.desired() == null || property.desired().value() == null
                        || property.desired().value().isEmpty()) {
                    continue;
                }
                desired.add(new MemberDevice.Desired(property.name(), property.desired().value(),
                        type(property, model)));
            }
        }
        return Optional.of(new MemberDevice(namespace + "/" + name, name, description, desired));
    }

    /** The twin type: the spec's {@code desired.metadata.type}, else the model property's type, else string. */
    private static String type(DeviceProperty property, DeviceModel model) {
        String declared = property.desired().metadata().get("type");
        if (declared != null && !declared.isBlank()) {
            String lower = declared.trim().toLowerCase(Locale.ROOT);
            String mapped = TwinRules.fromModelType(lower);
            return mapped != null ? mapped : lower;
        }
        if (model != null && model.spec() != null) {
            Optional<ModelProperty> modelProperty = model.spec().property(property.name());
            if (modelProperty.isPresent()) {
                String mapped = TwinRules.fromModelType(modelProperty.get().type());
                if (mapped != null) {
                    return mapped;
                }
            }
        }
        return TwinRules.TYPE_STRING;
    }

    private DeviceModel model(String namespace, String modelName) {
        if (modelName == null || modelName.isEmpty()) {
            return null;
        }
        try {
            Optional<StoredObject> stored = metaStore.get(ObjectKey.of(Kinds.DEVICE_MODEL, namespace, modelName));
            return stored.isEmpty() ? null : KaredgeJson.mapper().treeToValue(stored.get().object(), DeviceModel.class);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.debug("DeviceModel {}/{} cannot be read: {}", namespace, modelName, e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        Watch open;
        synchronized (this) {
            closed = true;
            open = watch;
        }
        if (open != null) {
            open.close();
        }
        scheduler.shutdownNow();
    }
}
