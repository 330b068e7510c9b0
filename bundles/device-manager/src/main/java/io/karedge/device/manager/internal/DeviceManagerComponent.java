package io.karedge.device.manager.internal;

import io.karedge.api.meta.MetaStoreInformer;
import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.device.Device;
import io.karedge.api.device.DeviceIds;
import io.karedge.api.device.DeviceModel;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.meta.StoredObject;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinListener;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinRecord;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolName;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import io.karedge.device.manager.DiscoveryException;
import io.karedge.device.manager.DiscoveryResult;
import io.karedge.device.manager.DriverDiscovery;
import io.karedge.device.manager.DriverCallStatistics;
import io.karedge.device.manager.DriverInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device manager as a DS component: watches Device and DeviceModel objects in the MetaStore, binds the
 * devices of this node to the protocol drivers on the whiteboard, reports to the twin engine, and listens
 * to twin changes for desired values to write. A configuration change restarts it (devices are reopened).
 */
@Component(service = {DeviceManagerStatus.class, DriverDiscovery.class, TwinListener.class},
        configurationPid = DeviceManagerComponent.PID,
        immediate = true)
@Designate(ocd = DeviceManagerComponent.Config.class)
public final class DeviceManagerComponent implements DeviceManagerStatus, DriverDiscovery, TwinListener {

    static final String PID = "io.karedge.device.manager";
    /** how long a caller waits for a scan beyond its timeout before the scan is interrupted */
    static final Duration SCAN_GRACE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(DeviceManagerComponent.class);

    @ObjectClassDefinition(name = "Karedge device manager",
            description = "Runs the devices of this node on the protocol drivers")
    public @interface Config {

        @AttributeDefinition(description = "Collect cycle in ms of a property whose collectCycle is 0 or absent",
                min = "10")
        long default_collect_cycle_ms() default 1000;

        @AttributeDefinition(description = "Report cycle in ms of a property whose reportCycle is 0 or absent",
                min = "10")
        long default_report_cycle_ms() default 1000;

        @AttributeDefinition(description = "Longest a driver's validate, open or read may take (ms); beyond it "
                + "the device is marked offline and its cycles are skipped until the call returns", min = "10")
        long read_timeout_ms() default 5000;

        @AttributeDefinition(description = "Longest a driver's write may take (ms)", min = "10")
        long write_timeout_ms() default 5000;

        @AttributeDefinition(description = "Longest the manager waits for a handler's close (ms)", min = "10")
        long close_timeout_ms() default 2000;

        @AttributeDefinition(description = "Threads of the shared device scheduler", min = "1")
        int threads() default 2;

        @AttributeDefinition(description = "Extra threads lent to the scheduler while driver calls hang", min = "0")
        int max_hung_threads() default 8;

        @AttributeDefinition(description = "Pause before listing and watching again after a watch closed (ms)",
                min = "10")
        long watch_retry_ms() default 1000;

        @AttributeDefinition(description = "How long after start desired values wait for the twin engine (ms): "
                + "without one, the Device spec's values are written once this time has passed", min = "0")
        long twin_wait_ms() default 10_000;

        @AttributeDefinition(description = "Write the accepted desired value again when a writable property reads "
                + "a different value after the write of that value was confirmed (a device that restarted, or was "
                + "changed at its panel)")
        boolean desired_enforce() default true;

        @AttributeDefinition(description = "Longest pause between two such rewrites of one property (ms); the "
                + "pause starts at 1 s and doubles while the property keeps drifting", min = "10")
        long desired_enforce_pause_max_ms() default 60_000;
    }

    private volatile TwinEngine twinEngine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ProgressTracker progress;

    private final DeviceManager manager;
    private final MetaStoreInformer models;
    private final MetaStoreInformer devices;
    private final Discoveries discoveries;

    @Activate
    public DeviceManagerComponent(@Reference MetaStore store, @Reference EdgeNode node, Config config) {
        this(store, node.nodeName(), ManagerSettings.of(config));
    }

    DeviceManagerComponent(MetaStore store, String nodeName, ManagerSettings settings) {
        this.manager = new DeviceManager(settings, nodeName, () -> twinEngine, Clock.systemUTC());
        this.discoveries = new Discoveries(manager::best, SCAN_GRACE);
        manager.trackSwapsWith(() -> progress);
        this.models = new MetaStoreInformer(store, Kinds.DEVICE_MODEL, this::modelChanged,
                key -> manager.modelDeleted(DeviceIds.of(key.namespace(), key.name())), manager.pool(),
                settings.watchRetryMillis());
        this.devices = new MetaStoreInformer(store, Kinds.DEVICE, this::deviceChanged,
                key -> manager.deviceDeleted(DeviceIds.of(key.namespace(), key.name())), manager.pool(),
                settings.watchRetryMillis());
        models.start();
        devices.start();
        LOG.info("Device manager runs the devices of node '{}' ({} threads, read timeout {} ms)", nodeName,
                settings.threads(), settings.readTimeoutMillis());
    }

    @Reference(name = "twinEngine", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTwinEngine(TwinEngine engine) {
        twinEngine = engine;
        if (manager != null) {
            manager.twinEngineArrived();
        }
    }

    void unbindTwinEngine(TwinEngine engine) {
        if (twinEngine == engine) {
            twinEngine = null;
        }
    }

    @Reference(service = ProtocolDriver.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + ProtocolName.PROPERTY + "=*)")
    void bindDriver(ServiceReference<ProtocolDriver> reference, ProtocolDriver driver) {
        Bundle bundle = reference.getBundle();
        addDriver(driver, reference.getProperty(ProtocolName.PROPERTY), id(reference), ranking(reference),
                bundle == null ? "?" : bundle.getSymbolicName(), bundle == null ? "?" : bundle.getVersion().toString());
    }

    void unbindDriver(ServiceReference<ProtocolDriver> reference) {
        removeDriver(id(reference));
    }

    void addDriver(ProtocolDriver driver, Object protocols, long serviceId, int ranking, String bundle,
                   String version) {
        for (String protocol : protocolNames(protocols)) {
            manager.driverAdded(new DriverEntry(protocol, driver, serviceId, ranking, bundle, version));
        }
    }

    void removeDriver(long serviceId) {
        manager.driverRemoved(serviceId);
    }

    private static List<String> protocolNames(Object value) {
        if (value instanceof String text) {
            return text.isBlank() ? List.of() : List.of(text);
        }
        if (value instanceof String[] texts) {
            return List.of(texts).stream().filter(t -> t != null && !t.isBlank()).distinct().toList();
        }
        return List.of();
    }

    private static long id(ServiceReference<?> reference) {
        Object id = reference.getProperty(Constants.SERVICE_ID);
        return id instanceof Number number ? number.longValue() : -1;
    }

    private static int ranking(ServiceReference<?> reference) {
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        return ranking instanceof Integer number ? number : 0;
    }

    private void deviceChanged(StoredObject object) {
        try {
            manager.deviceChanged(KaredgeJson.mapper().treeToValue(object.object(), Device.class));
        } catch (Exception e) {
            LOG.warn("Device {} cannot be read: {}", object.key(), e.getMessage());
        }
    }

    private void modelChanged(StoredObject object) {
        try {
            manager.modelChanged(KaredgeJson.mapper().treeToValue(object.object(), DeviceModel.class));
        } catch (Exception e) {
            LOG.warn("DeviceModel {} cannot be read: {}", object.key(), e.getMessage());
        }
    }

    @Override
    public void twinChanged(TwinChange change) {
        if (change.origin() == TwinOrigin.DRIVER) {
            return;
        }
        for (Map.Entry<String, TwinRecord> twin : change.twins().entrySet()) {
            JsonNode expected = twin.getValue().twin().path("expected").path("value");
            if (expected.isValueNode() && !expected.isNull()) {
                manager.desiredChanged(change.deviceId(), twin.getKey(), expected.asText());
            }
        }
    }

    @Deactivate
    void deactivate() {
        devices.close();
        models.close();
        discoveries.close();
        manager.close();
    }

    DeviceManager manager() {
        return manager;
    }

    @Override
    public List<DriverInfo> drivers() {
        return manager.driverInfos();
    }

    @Override
    public List<DeviceInfo> devices() {
        return manager.deviceInfos();
    }

    @Override
    public Optional<DeviceInfo> device(String id) {
        return manager.deviceInfo(id);
    }

    @Override
    public List<DriverCallStatistics> driverCalls() {
        return manager.driverCalls();
    }

    @Override
    public DiscoveryResult discover(String protocol, Duration timeout) throws DiscoveryException {
        return discoveries.discover(protocol, timeout);
    }

}
