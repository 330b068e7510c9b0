package io.karedge.protocol.opcua.internal;

import io.karedge.api.device.Device;
import io.karedge.device.driver.ConfigBinding;
import io.karedge.device.driver.DeviceCallback;
import io.karedge.device.driver.DeviceHandler;
import io.karedge.device.driver.PropertyRequest;
import io.karedge.device.driver.ProtocolDriver;
import io.karedge.device.driver.ProtocolName;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.meta.MetaStore;
import io.karedge.device.driver.DeviceDiscovery;
import io.karedge.device.driver.DiscoveredDevice;
import io.karedge.device.driver.DriverException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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
 * The {@code opcua} protocol: OPC UA servers as devices, on Eclipse Milo. Devices with the same server settings
 * share one session ({@link ServerConnection}); their properties are monitored items of that session's
 * subscription ({@link OpcUaHandler} is a {@link io.karedge.device.driver.PushingHandler}). The driver owns a
 * timer thread and a small pool for connecting and writing again; Milo runs its own shared network threads,
 * released when the component deactivates.
 */
@Component(service = ProtocolDriver.class, configurationPid = OpcUaDriver.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = OpcUaDriver.Config.class)
@ProtocolName(OpcUaDriver.PROTOCOL)
public final class OpcUaDriver implements ProtocolDriver, DeviceDiscovery {

    static final String PROTOCOL = "opcua";
    static final String PID = "io.karedge.protocol.opcua";
    private static final Logger LOG = LoggerFactory.getLogger(OpcUaDriver.class);

    /** Operator settings of the driver. */
    @ObjectClassDefinition(name = "Karedge OPC UA driver", description = "The node's OPC UA identity and trust list")
    public @interface Config {

        @AttributeDefinition(name = "PKI directory", description = "Where the node's application certificate "
                + "(own/), trusted server certificates (trusted/certs/) and rejected ones (rejected/) are kept; "
                + "empty means <karaf.data>/opcua/pki")
        String pki_dir() default "";

        @AttributeDefinition(name = "Servers to browse", description = "opc.tcp URLs that discovery browses "
                + "(with security None, anonymous), besides the servers devices already use (with their settings)")
        String[] discovery_urls() default {};
    }

    private final NodePki pki;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor workers;
    private final Map<String, ServerConnection> connections = new ConcurrentHashMap<>();
    private final boolean ownsMilo;
    private final boolean addedProvider;

    private volatile List<String> discoveryUrls = List.of();

    /** The node's store, for passwords in Secrets ({@code passwordSecretRef}); absent in a bare driver. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile MetaStore store;
    private final Passwords passwords = new Passwords(() -> store);

    @Activate
    public OpcUaDriver(Config config) {
        this(pkiDir(config.pki_dir()), true);
        discoveryUrls = parseDiscoveryUrls(config.discovery_urls());
    }

    /**
     * @return the URLs of {@code discovery.urls}, each value also split at commas and spaces: a {@code .cfg}
     *         file gives the array as one string ({@code discovery.urls = opc.tcp://a:4840, opc.tcp://b:4840})
     */
    static List<String> parseDiscoveryUrls(String[] values) {
        if (values == null) {
            return List.of();
        }
        return java.util.Arrays.stream(values).filter(v -> v != null)
                .flatMap(v -> java.util.Arrays.stream(v.split("[,\\s]+"))).filter(v -> !v.isBlank()).distinct()
                .toList();
    }

    /**
     * @param ownsMilo whether Milo's shared threads are this driver's alone (in OSGi no other bundle uses
     *                 Milo) and are released on deactivation; tests that run a Milo server in the same JVM
     *                 pass false
     */
    OpcUaDriver(Path pkiDir, boolean ownsMilo) {
        this.ownsMilo = ownsMilo;
        this.pki = new NodePki(pkiDir);
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, "karedge-opcua-driver-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        scheduler = new ScheduledThreadPoolExecutor(1, threads);
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // connects and re-writes block for at most a timeout each; one slow server holds one thread, not all
        workers = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        workers.allowCoreThreadTimeOut(true);
        addedProvider = SecurityProviders.ensureRsaPss();
    }

    private static Path pkiDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String data = System.getProperty("karaf.data");
        return data == null ? Path.of(System.getProperty("java.io.tmpdir"), "karedge-opcua", "pki")
                : Path.of(data, "opcua", "pki");
    }

    @Override
    public void validate(Device device) {
        ServerSettings.of(device);
        List<String> warnings = ConfigBinding.check(device, ServerSettings.Config.class, null);
        List<String> problems = new ArrayList<>();
        for (PropertyRequest request : PropertyRequest.of(device, null)) {
            try {
                ConfigBinding.bind(request.configData(), OpcUaVisitor.Config.class, "property " + request.name()
                        + " visitors.configData", warnings::add);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("device " + device.id() + ": " + String.join("; ", problems));
        }
        warnings.forEach(warning -> LOG.warn(warning.startsWith("device ") ? warning
                : "device " + device.id() + " " + warning));
    }

    @Override
    public DeviceHandler open(Device device, DeviceCallback callback) {
        ServerSettings settings = ServerSettings.of(device);
        return new OpcUaHandler(device, callback, settings, this, scheduler);
    }

    /** Adds a device to the session of its settings, opening one if none is shared yet. */
    ServerConnection join(ServerSettings settings, ServerConnection.Member member) {
        while (true) {
            ServerConnection connection = connections.computeIfAbsent(settings.sessionKey(),
                    k -> new ServerConnection(settings, pki, passwords, workers, scheduler,
                            gone -> connections.remove(settings.sessionKey(), gone)));
            if (connection.tryJoin(member)) {
                return connection;
            }
            connections.remove(settings.sessionKey(), connection);
        }
    }

    /**
     * Browses the address space of every server devices use (with their settings) and of the configured
     * {@code discovery.urls} (security None, anonymous), and proposes one device per server: its {@code url}
     * and a property for each variable found.
     */
    @Override
    public List<DiscoveredDevice> discover(Duration timeout) throws DriverException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, ServerSettings> targets = new LinkedHashMap<>();
        for (ServerConnection connection : connections.values()) {
            targets.putIfAbsent(connection.settings().url(), connection.settings());
        }
        for (String url : discoveryUrls) {
            if (url != null && !url.isBlank() && !targets.containsKey(url.trim())) {
                ObjectNode config = KaredgeJson.mapper().createObjectNode().put("url", url.trim());
                try {
                    targets.put(url.trim(), ServerSettings.of("discovery.urls", config));
                } catch (IllegalArgumentException e) {
                    LOG.warn("OPC UA discovery: {}", e.getMessage());
                }
            }
        }
        List<DiscoveredDevice> found = new ArrayList<>();
        for (ServerSettings settings : targets.values()) {
            if (System.nanoTime() >= deadline) {
                LOG.info("OPC UA discovery: no time left for {}", settings.url());
                continue;
            }
            try {
                found.add(discover(settings, deadline));
            } catch (Exception e) {
                LOG.info("OPC UA discovery of {} failed: {}", settings.url(), SessionClients.message(e));
            }
        }
        return found;
    }

    private DiscoveredDevice discover(ServerSettings settings, long deadline) throws Exception {
        OpcUaClient client = SessionClients.connect(settings, pki, passwords);
        try {
            List<AddressSpaceBrowser.Candidate> candidates = AddressSpaceBrowser.browse(client, deadline);
            String application = client.getConfig().getEndpoint().getServer().getApplicationName().getText();
            ObjectNode config = KaredgeJson.mapper().createObjectNode().put("url", settings.url());
            if (settings.policy() != org.eclipse.milo.opcua.stack.core.security.SecurityPolicy.None) {
                config.put("securityPolicy", settings.policy().name()).put("securityMode", settings.mode().toString());
            }
            String description = "OPC UA server " + (application == null ? "" : "'" + application + "' ") + "at "
                    + settings.url() + ": " + candidates.size() + " variable(s)"
                    + (candidates.size() >= AddressSpaceBrowser.MAX_VARIABLES ? " (stopped at the limit)" : "");
            return new DiscoveredDevice(deviceName(application, settings.url()), description, config,
                    candidates.stream().map(AddressSpaceBrowser.Candidate::describe).toList());
        } finally {
            client.disconnectAsync();
        }
    }

    /** @return a Kubernetes name from the server's application name, or from its host and port */
    static String deviceName(String application, String url) {
        String base = application == null || application.isBlank() ? url.replaceFirst("(?i)^opc\\.tcp://", "opcua-")
                : application;
        String name = base.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("-+$", "");
        }
        return name.isEmpty() ? "opcua-server" : name;
    }

    ExecutorService workers() {
        return workers;
    }

    NodePki pki() {
        return pki;
    }

    /** Sets the servers discovery browses besides those in use (tests; in OSGi: the configuration). */
    void discoveryUrls(List<String> urls) {
        discoveryUrls = List.copyOf(urls);
    }

    /** @return the number of open server sessions (for tests and the bench) */
    int sessions() {
        return connections.size();
    }

    /** Closes every session, stops the driver's threads and releases Milo's shared threads. */
    @Deactivate
    void deactivate() {
        connections.values().forEach(ServerConnection::close);
        connections.clear();
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (addedProvider) {
            SecurityProviders.remove();
        }
        if (!ownsMilo) {
            return;
        }
        try {
            Stack.releaseSharedResources(2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.debug("Releasing Milo's shared threads", e);
        }
    }
}
