package io.karedge.node.internal;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's identity. The mode is cloud as soon as the cloud bridge has a configuration with a
 * server address, standalone otherwise.
 */
@Component(configurationPid = EdgeNodeComponent.PID)
@Designate(ocd = EdgeNodeComponent.Config.class)
public final class EdgeNodeComponent implements EdgeNode {

    static final String PID = "io.karedge.node";
    static final String CLOUD_BRIDGE_PID = "io.karedge.cloud.bridge";

    private static final Logger LOG = LoggerFactory.getLogger(EdgeNodeComponent.class);

    @ObjectClassDefinition(name = "Karedge node", description = "Identity and data location of this edge node")
    public @interface Config {

        @AttributeDefinition(description = "Node name as Kubernetes knows it; empty = the host name, lower-cased")
        String node_name() default "";

        @AttributeDefinition(description = "Directory for durable state; empty = ${karaf.data}/karedge")
        String data_dir() default "";

        @AttributeDefinition(description = "Seconds after the node is ready to collect the start-up garbage once,"
                + " so the heap shrinks to its live size and the memory goes back to the system; 0 = never",
                min = "0")
        int memory_trim_after_start_s() default 10;
    }

    private final String nodeName;
    private final Path dataDirectory;
    private final ConfigurationAdmin configurationAdmin;

    @Activate
    public EdgeNodeComponent(Config config, @Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
        this.nodeName = config.node_name().isBlank() ? NodeNames.fromHost() : NodeNames.sanitize(config.node_name());
        this.dataDirectory = resolveDataDirectory(config.data_dir());
        LOG.info("Karedge node {} keeps its data in {}", nodeName, dataDirectory);
    }

    static Path resolveDataDirectory(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        String karafData = System.getProperty("karaf.data", "data");
        return Path.of(karafData, "karedge").toAbsolutePath().normalize();
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public NodeMode mode() {
        try {
            Configuration[] configurations =
                    configurationAdmin.listConfigurations("(service.pid=" + CLOUD_BRIDGE_PID + ")");
            if (configurations != null) {
                for (Configuration configuration : configurations) {
                    Object server = configuration.getProperties() == null ? null
                            : configuration.getProperties().get("server");
                    if (server != null && !server.toString().isBlank()) {
                        return NodeMode.CLOUD;
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Cannot read the cloud bridge configuration: {}", e.toString());
        }
        return NodeMode.STANDALONE;
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }
}
