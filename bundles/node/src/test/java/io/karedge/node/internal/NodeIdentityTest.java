package io.karedge.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/** The node's name follows the cloud bridge configuration: join, restart, leave. */
class NodeIdentityTest {

    /** The services registered through a bundle context, and which of them are still registered. */
    static final class Registry {
        final List<EdgeNode> registered = new ArrayList<>();
        final List<Dictionary<String, Object>> properties = new ArrayList<>();
        final List<EdgeNode> live = new ArrayList<>();

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("registerService")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        EdgeNode service = (EdgeNode) args[1];
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> given = (Dictionary<String, Object>) args[2];
                        registered.add(service);
                        properties.add(given);
                        live.add(service);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                    if (!m.getName().equals("unregister")) {
                                        throw new UnsupportedOperationException(m.getName());
                                    }
                                    assertThat(live.remove(service)).as("unregistered once").isTrue();
                                    return null;
                                });
                    });
        }

        EdgeNode current() {
            assertThat(live).hasSize(1);
            return live.get(0);
        }
    }

    /** Config Admin holding the cloud bridge PID, as edge:join and edge:leave leave it. */
    static final class CloudConfig {
        volatile Dictionary<String, Object> properties;

        ConfigurationAdmin admin() {
            Configuration configuration = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getProperties" -> properties;
                        case "getPid" -> EdgeNodeComponent.CLOUD_BRIDGE_PID;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("listConfigurations")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        assertThat((String) args[0]).contains(EdgeNodeComponent.CLOUD_BRIDGE_PID);
                        return properties == null ? null : new Configuration[] {configuration};
                    });
        }

        void join(String server, String nodeName) {
            Hashtable<String, Object> values = new Hashtable<>();
            values.put("server", server);
            values.put("token", "t");
            if (nodeName != null) {
                values.put("node.name", nodeName);
            }
            properties = values;
        }
    }

    static EdgeNodeComponent.Config config(Map<String, Object> values) {
        return (EdgeNodeComponent.Config) Proxy.newProxyInstance(NodeIdentityTest.class.getClassLoader(),
                new Class<?>[] {EdgeNodeComponent.Config.class}, (proxy, method, args) -> {
                    String key = method.getName().replace('_', '.');
                    if (values.containsKey(key)) {
                        return values.get(key);
                    }
                    if (method.getName().equals("annotationType")) {
                        return (Class<? extends Annotation>) EdgeNodeComponent.Config.class;
                    }
                    return method.getDefaultValue();
                });
    }

    static ConfigurationEvent event(int type, String pid) {
        @SuppressWarnings("unchecked")
        ServiceReference<ConfigurationAdmin> reference = (ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(
                NodeIdentityTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        return new ConfigurationEvent(reference, type, null, pid);
    }

    @Test
    void aJoinedNodeIsKnownByTheJoinNameAcrossRestartsUntilItLeaves() {
        Registry registry = new Registry();
        CloudConfig cloud = new CloudConfig();
        String hostName = NodeNames.fromHost();
        String joinName = hostName.equals("edge-joined") ? "edge-joined-2" : "edge-joined";

        EdgeNodeComponent node = new EdgeNodeComponent(registry.context(), config(Map.of()), cloud.admin());
        assertThat(registry.current().nodeName()).isEqualTo(hostName);
        assertThat(registry.current().mode()).isEqualTo(NodeMode.STANDALONE);
        assertThat(registry.properties.get(0).get("node.name.source")).isEqualTo("host");

        // edge:join --node-name: the identity is registered again under the joined name
        cloud.join("10.0.0.5:10000", joinName);
        node.configurationEvent(event(ConfigurationEvent.CM_UPDATED, EdgeNodeComponent.CLOUD_BRIDGE_PID));
        assertThat(registry.current().nodeName()).isEqualTo(joinName);
        assertThat(registry.current().mode()).isEqualTo(NodeMode.CLOUD);
        assertThat(registry.properties.get(1).get("node.name")).isEqualTo(joinName);
        assertThat(registry.properties.get(1).get("node.name.source")).isEqualTo("cloud");
        assertThat(registry.registered).hasSize(2);

        // a change that keeps the name (a new token) and other PIDs change nothing
        cloud.properties.put("token", "t2");
        node.configurationEvent(event(ConfigurationEvent.CM_UPDATED, EdgeNodeComponent.CLOUD_BRIDGE_PID));
        node.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "io.karedge.twin"));
        assertThat(registry.registered).hasSize(2);

        // a restart reads the joined name from the persisted configuration
        node.deactivate();
        assertThat(registry.live).isEmpty();
        EdgeNodeComponent restarted = new EdgeNodeComponent(registry.context(), config(Map.of()), cloud.admin());
        assertThat(registry.current().nodeName()).isEqualTo(joinName);

        // edge:leave deletes the configuration: the node takes its own name again
        cloud.properties = null;
        restarted.configurationEvent(event(ConfigurationEvent.CM_DELETED, EdgeNodeComponent.CLOUD_BRIDGE_PID));
        assertThat(registry.current().nodeName()).isEqualTo(hostName);
        assertThat(registry.current().mode()).isEqualTo(NodeMode.STANDALONE);
        restarted.deactivate();
    }

    @Test
    void theCloudNameOutranksTheNodeConfigurationAndAnInvalidOneIsRefused() {
        Registry registry = new Registry();
        CloudConfig cloud = new CloudConfig();
        cloud.join("10.0.0.5", null);
        EdgeNodeComponent node = new EdgeNodeComponent(registry.context(), config(Map.of("node.name", "Plant_7")),
                cloud.admin());
        assertThat(registry.current().nodeName()).as("joined without --node-name: the node's own name")
                .isEqualTo("plant-7");

        cloud.join("10.0.0.5", "line-3");
        node.configurationEvent(event(ConfigurationEvent.CM_UPDATED, EdgeNodeComponent.CLOUD_BRIDGE_PID));
        assertThat(registry.current().nodeName()).isEqualTo("line-3");

        cloud.join("10.0.0.5", "Not A Name");
        node.configurationEvent(event(ConfigurationEvent.CM_UPDATED, EdgeNodeComponent.CLOUD_BRIDGE_PID));
        assertThat(registry.current().nodeName()).isEqualTo("plant-7");
        node.deactivate();
        assertThat(registry.live).isEmpty();
    }
}
