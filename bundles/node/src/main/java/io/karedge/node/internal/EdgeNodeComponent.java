package io.karedge.node.internal;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the node's identity as the {@link EdgeNode} service. The name is, first match wins:
 * <ol>
 * <li>{@code node.name} of the cloud bridge PID {@code io.karedge.cloud.bridge} (what {@code edge:join
 * --node-name} writes): a joined node is known by the name the cloud knows it by;</li>
 * <li>{@code node.name} of PID {@code io.karedge.node};</li>
 * <li>the host name, lower-cased.</li>
 * </ol>
 * The cloud bridge configuration is followed: when its node name changes (join, leave, an edited file), the
 * service is registered again under the new name, so every component that works for "this node" (twin
 * membership, device binding, pods) restarts with it. Nothing happens while the name stays the same. The mode
 * is {@code cloud} as long as the cloud bridge configuration has a server address.
 *
 * <p>The service is registered by hand rather than by Declarative Services, because a component's
 * registration cannot follow a second PID without restarting on every change of it; the capability
 * annotation tells the resolver that this bundle provides it.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.karedge.api.node.EdgeNode",
        uses = EdgeNode.class)
@Component(service = ConfigurationListener.class, configurationPid = EdgeNodeComponent.PID, immediate = true)
@Designate(ocd = EdgeNodeComponent.Config.class)
public final class EdgeNodeComponent implements ConfigurationListener {

    static final String PID = "io.karedge.node";
    static final String CLOUD_BRIDGE_PID = "io.karedge.cloud.bridge";
    static final String NODE_NAME = "node.name";
    /** Service property: where the published name comes from ({@code cloud}, {@code node}, {@code host}). */
    static final String NODE_NAME_SOURCE = "node.name.source";

    private static final Logger LOG = LoggerFactory.getLogger(EdgeNodeComponent.class);

    @ObjectClassDefinition(name = "Karedge node", description = "Identity and data location of this edge node")
    public @interface Config {

        @AttributeDefinition(description = "Node name as Kubernetes knows it; empty = the host name, lower-cased."
                + " A node.name in the cloud bridge configuration (edge:join --node-name) takes precedence")
        String node_name() default "";

        @AttributeDefinition(description = "Directory for durable state; empty = ${karaf.data}/karedge")
        String data_dir() default "";

        @AttributeDefinition(description = "Seconds after the node is ready to collect the start-up garbage once,"
                + " so the heap shrinks to its live size and the memory goes back to the system; 0 = never",
                min = "0")
        int memory_trim_after_start_s() default 10;
    }

    /** A name and where it comes from. */
    record ResolvedName(String name, String source) {
    }

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final ResolvedName ownName;
    private final Path dataDirectory;
    private final Object lock = new Object();
    private NodeIdentity published;
    private ServiceRegistration<EdgeNode> registration;
    private String refusedCloudName;
    private boolean closed;

    @Activate
    public EdgeNodeComponent(BundleContext context, Config config, @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.ownName = config.node_name().isBlank() ? new ResolvedName(NodeNames.fromHost(), "host")
                : new ResolvedName(NodeNames.sanitize(config.node_name()), "node");
        this.dataDirectory = resolveDataDirectory(config.data_dir());
        publish();
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            closed = true;
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (CLOUD_BRIDGE_PID.equals(event.getPid()) && event.getFactoryPid() == null) {
            publish();
        }
    }

    static Path resolveDataDirectory(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String karafData = System.getProperty("karaf.data", "data");
        return Path.of(karafData, "karedge").toAbsolutePath().normalize();
    }

    /** Registers the identity, or registers it again if its name changed. */
    private void publish() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            ResolvedName resolved = resolve();
            if (published != null && published.nodeName().equals(resolved.name())) {
                return;
            }
            if (registration == null) {
                LOG.info("Karedge node {} (name from {}) keeps its data in {}", resolved.name(),
                        describe(resolved.source()), dataDirectory);
            } else {
                LOG.info("Node name changes from {} to {} (name from {}); the node's services restart under it",
                        published.nodeName(), resolved.name(), describe(resolved.source()));
                registration.unregister();
                registration = null;
            }
            published = new NodeIdentity(resolved.name(), dataDirectory, this::mode);
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(NODE_NAME, resolved.name());
            properties.put(NODE_NAME_SOURCE, resolved.source());
            registration = context.registerService(EdgeNode.class, published, properties);
        }
    }

    private ResolvedName resolve() {
        Optional<String> cloudName = cloudProperty(NODE_NAME).map(String::trim).filter(name -> !name.isEmpty());
        if (cloudName.isEmpty()) {
            return ownName;
        }
        String name = cloudName.get();
        if (!NodeNames.isValid(name)) {
            if (!name.equals(refusedCloudName)) {
                refusedCloudName = name;
                LOG.warn("node.name \"{}\" of {} is not a DNS-1123 subdomain; the node keeps the name {}", name,
                        CLOUD_BRIDGE_PID, ownName.name());
            }
            return ownName;
        }
        return new ResolvedName(name, "cloud");
    }

    private static String describe(String source) {
        return switch (source) {
            case "cloud" -> CLOUD_BRIDGE_PID;
            case "node" -> PID;
            default -> "the host name";
        };
    }

    NodeMode mode() {
        return cloudProperty("server").filter(server -> !server.isBlank()).isPresent() ? NodeMode.CLOUD
                : NodeMode.STANDALONE;
    }

    /** @return a property of the cloud bridge configuration, or empty without the configuration or the key */
    private Optional<String> cloudProperty(String key) {
        try {
            Configuration[] configurations =
                    configurationAdmin.listConfigurations("(service.pid=" + CLOUD_BRIDGE_PID + ")");
            if (configurations != null) {
                for (Configuration configuration : configurations) {
                    Dictionary<String, Object> properties = configuration.getProperties();
                    Object value = properties == null ? null : properties.get(key);
                    if (value != null) {
                        return Optional.of(value.toString());
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Cannot read the cloud bridge configuration: {}", e.toString());
        }
        return Optional.empty();
    }
}
