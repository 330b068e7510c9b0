package io.karedge.dmi.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.twin.TwinEngine;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.dmi.MapperRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
 * The DMI v1beta1 server for out-of-process KubeEdge mappers. Registers {@link MapperRegistry} with the
 * service property {@value MapperRegistry#CLAIMED_PROTOCOLS}, kept up to date. A configuration change
 * restarts the server (mappers re-dialled from the registry file; the socket is bound again).
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.karedge.dmi.MapperRegistry",
        uses = MapperRegistry.class)
@Component(service = {}, configurationPid = DmiComponent.PID, immediate = true)
@Designate(ocd = DmiComponent.Config.class)
public final class DmiComponent {

    static final String PID = "io.karedge.dmi";
    /** The service property an in-process driver's protocol is named by ({@code ProtocolName.PROPERTY}). */
    static final String DRIVER_PROTOCOL_PROPERTY = "karedge.protocol.name";

    private static final Logger LOG = LoggerFactory.getLogger(DmiComponent.class);

    @ObjectClassDefinition(name = "Karedge DMI server",
            description = "KubeEdge Device Manager Interface (v1beta1) for out-of-process mappers")
    public @interface Config {

        @AttributeDefinition(description = "DMI socket path. Empty: <data directory>/dmi.sock. A value ending in "
                + ".sock is the socket; any other value is a directory that gets dmi.sock")
        String socket_path() default "";

        @AttributeDefinition(description = "File that keeps registered mappers across restarts. Empty: "
                + "<data directory>/dmi-mappers.json")
        String registry_file() default "";

        @AttributeDefinition(description = "Connect timeout towards a mapper socket, in milliseconds", min = "1")
        long mapper_dial_timeout_ms() default 1000;

        @AttributeDefinition(description = "Deadline of one call to a mapper, in milliseconds", min = "1")
        long mapper_call_timeout_ms() default 10_000;

        @AttributeDefinition(description = "First pause before a call that did not reach its mapper is tried "
                + "again, in milliseconds; doubled after each failure", min = "1")
        long mapper_retry_initial_ms() default 500;

        @AttributeDefinition(description = "Longest pause between two tries of a call, in milliseconds", min = "1")
        long mapper_retry_max_ms() default 30_000;

        @AttributeDefinition(description = "How long a report waits for the twin engine, in milliseconds", min = "1")
        long report_timeout_ms() default 5000;

        @AttributeDefinition(description = "Requests per second accepted from all mappers together (rate-limit "
                + "refill); 0 disables the limit", min = "0")
        double report_rate_per_second() default 100;

        @AttributeDefinition(description = "Burst size of the rate limit", min = "1")
        int report_burst() default 200;

        @AttributeDefinition(description = "How long after a registration a mapper whose socket does not answer yet "
                + "still counts as connecting (ms); it is unreachable only after that", min = "0")
        long mapper_register_grace_ms() default 5000;

        @AttributeDefinition(description = "Shortest pause between two pushes (UpdateDevice) of a device whose "
                + "mapper reports an older desired value, or a value other than the desired one it holds (ms)",
                min = "1")
        long mapper_resend_ms() default 5000;

        @AttributeDefinition(description = "Longest pause between two pushes of a device whose mapper keeps "
                + "reporting a value other than the desired one (ms); the pause doubles up to it", min = "1")
        long mapper_resend_max_ms() default 60_000;

        @AttributeDefinition(description = "Push a device again when its mapper reports, for a ReadWrite "
                + "property, a value other than the accepted desired value it holds (the device restarted)")
        boolean desired_enforce() default true;
    }

    private final DmiService service;
    private final Map<Long, String> drivers = new ConcurrentHashMap<>();
    private volatile ServiceRegistration<MapperRegistry> registration;
    private final ServiceRegistration<io.karedge.api.twin.TwinListener> twinListener;
    private volatile SortedSet<String> claims = new TreeSet<>();
    private final BundleContext context;
    private final Map<String, ServiceRegistration<ProtocolDriver>> claimDrivers = new ConcurrentHashMap<>();

    @Activate
    public DmiComponent(BundleContext context, @Reference MetaStore store, @Reference TwinEngine twins,
                        @Reference EdgeNode node, Config config) throws IOException {
        this.context = context;
        DmiSettings settings = DmiSettings.of(config, node.dataDirectory());
        this.service = new DmiService(settings, node.nodeName(), store, twins, this::claimsChanged,
                Clock.systemUTC());
        this.registration = context.registerService(MapperRegistry.class, service.registry(), properties());
        this.twinListener = context.registerService(io.karedge.api.twin.TwinListener.class, service::twinChanged, null);
        claims.forEach(this::registerClaimDriver); // mappers restored from the registry file before this point
        LOG.info("DMI server of node {} on {} (mapper registry {})", node.nodeName(), settings.socketPath(),
                settings.registryFile());
    }

    @Deactivate
    void deactivate() {
        ServiceRegistration<MapperRegistry> current = registration;
        registration = null;
        if (current != null) {
            try {
                current.unregister();
            } catch (IllegalStateException e) {
                LOG.debug("MapperRegistry already unregistered");
            }
        }
        try {
            twinListener.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("twin listener already unregistered");
        }
        claimDrivers.keySet().forEach(this::withdrawClaimDriver);
        service.close();
    }

    @Reference(service = ProtocolDriver.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addDriver(Map<String, Object> properties) {
        if (properties.containsKey(MapperClaimDriver.CLAIM_PROPERTY)) {
            return;
        }
        Object id = properties.get("service.id");
        Object protocol = properties.get(DRIVER_PROTOCOL_PROPERTY);
        if (id instanceof Long serviceId && protocol != null) {
            drivers.put(serviceId, String.valueOf(protocol));
            explainConflicts(claims, Set.of(String.valueOf(protocol)));
        }
    }

    void removeDriver(Map<String, Object> properties) {
        if (properties.get("service.id") instanceof Long serviceId) {
            drivers.remove(serviceId);
        }
    }

    private void claimsChanged(SortedSet<String> claimed) {
        SortedSet<String> before = claims;
        claims = claimed;
        ServiceRegistration<MapperRegistry> current = registration;
        if (current != null) {
            try {
                current.setProperties(properties());
            } catch (IllegalStateException e) {
                LOG.debug("MapperRegistry unregistered while claims changed");
            }
        }
        explainConflicts(claimed, Set.copyOf(drivers.values()));
        if (registration != null) {
            claimed.stream().filter(protocol -> !claimDrivers.containsKey(protocol)).forEach(this::registerClaimDriver);
        }
        before.stream().filter(protocol -> !claimed.contains(protocol)).forEach(this::withdrawClaimDriver);
        for (String protocol : before) {
            if (!claimed.contains(protocol) && drivers.containsValue(protocol)) {
                LOG.info("The mapper of protocol {} is unreachable: the in-process driver may serve its devices",
                        protocol);
            }
        }
    }

    /** Makes the device manager hand the protocol's devices to the mapper (see {@link MapperClaimDriver}). */
    private void registerClaimDriver(String protocol) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DRIVER_PROTOCOL_PROPERTY, protocol);
        properties.put(MapperClaimDriver.CLAIM_PROPERTY, Boolean.TRUE);
        properties.put(org.osgi.framework.Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        try {
            claimDrivers.put(protocol,
                    context.registerService(ProtocolDriver.class, new MapperClaimDriver(protocol, service.catalog()::desired), properties));
        } catch (IllegalStateException e) {
            LOG.debug("bundle stopping; no claim registered for {}", protocol);
        }
    }

    private void withdrawClaimDriver(String protocol) {
        ServiceRegistration<ProtocolDriver> claim = claimDrivers.remove(protocol);
        if (claim != null) {
            try {
                claim.unregister();
            } catch (IllegalStateException e) {
                LOG.debug("claim of {} already unregistered", protocol);
            }
        }
    }

    private void explainConflicts(Set<String> claimed, Set<String> driverProtocols) {
        for (String protocol : driverProtocols) {
            if (claimed.contains(protocol)) {
                LOG.warn("Protocol {} has an in-process driver and an external mapper; the mapper claims its "
                        + "devices while it is registered and reachable", protocol);
            }
        }
    }

    private Hashtable<String, Object> properties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(MapperRegistry.CLAIMED_PROTOCOLS, claims.toArray(String[]::new));
        return properties;
    }
}
