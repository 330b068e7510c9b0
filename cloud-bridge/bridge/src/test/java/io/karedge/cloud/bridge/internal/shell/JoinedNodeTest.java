package io.karedge.cloud.bridge.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.json.KaredgeJson;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.twin.TwinOperation;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinRequest;
import io.karedge.cloud.bridge.LinkState;
import io.karedge.cloud.bridge.internal.BridgeConfig;
import io.karedge.cloud.bridge.internal.CloudBridgeComponent;
import io.karedge.cloud.bridge.internal.CloudHubDouble;
import io.karedge.cloud.bridge.internal.Fixtures;
import io.karedge.node.internal.EdgeNodeComponent;
import io.karedge.store.internal.StoreComponent;
import io.karedge.twin.internal.TwinEngineComponent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/**
 * {@code edge:join --node-name} with a name that is not the host name: the node identity takes it, so a
 * Device the cloud sends for that node is a member of the twin engine and a twin update for it succeeds;
 * {@code edge:leave} gives the name up again.
 */
@Timeout(120)
class JoinedNodeTest {

    static final String JOIN_NAME = "edge-joined-7";

    @TempDir
    Path data;

    /** Registers EdgeNode services like the framework, keeping the live one. */
    static final class Services {
        final List<EdgeNode> live = new ArrayList<>();

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                        assertThat(method.getName()).isEqualTo("registerService");
                        EdgeNode service = (EdgeNode) args[1];
                        live.add(service);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                                    assertThat(m.getName()).isEqualTo("unregister");
                                    live.remove(service);
                                    return null;
                                });
                    });
        }

        EdgeNode node() {
            assertThat(live).hasSize(1);
            return live.get(0);
        }
    }

    static ConfigurationEvent changed(int type) {
        @SuppressWarnings("unchecked")
        ServiceReference<ConfigurationAdmin> reference = (ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(
                JoinedNodeTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class}, (p, m, a) -> null);
        return new ConfigurationEvent(reference, type, null, BridgeConfig.PID);
    }

    private static String captured(Runnable command) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static TwinReply update(TwinEngineComponent engine, String value) throws Exception {
        ObjectNode payload = KaredgeJson.mapper().createObjectNode().put("event_id", "e-" + value).put("timestamp", 0);
        payload.putObject("twin").putObject("temperature").putObject("actual").put("value", value);
        return engine.handle(TwinRequest.ofJson(TwinOperation.TWIN_UPDATE, "default/sensor-1", payload,
                TwinOrigin.MQTT)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void deactivate(Object component) throws Exception {
        Method deactivate = component.getClass().getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(component);
    }

    @Test
    void aNodeJoinedUnderAnotherNameServesTheTwinsOfItsCloudDevicesUntilItLeaves() throws Exception {
        ShellCommandsTest.FakeConfigAdmin configAdmin = new ShellCommandsTest.FakeConfigAdmin();
        Services services = new Services();
        Map<String, Object> nodeConfig = Map.of("data.dir", data.toString());
        EdgeNodeComponent identity = new EdgeNodeComponent(services.context(),
                Fixtures.config(EdgeNodeComponent.Config.class, nodeConfig), configAdmin.admin());
        String ownName = services.node().nodeName();
        assertThat(ownName).isNotEqualTo(JOIN_NAME);

        try (CloudHubDouble cloud = new CloudHubDouble()) {
            JoinCommand join = new JoinCommand();
            join.server = cloud.webSocketAddress();
            join.certServer = cloud.certAddress();
            join.token = cloud.pki.token();
            join.nodeName = JOIN_NAME;
            join.configurationAdmin = configAdmin.admin();
            join.node = services.node();
            assertThat(captured(() -> {
                try {
                    join.execute();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            })).contains("as node " + JOIN_NAME);
            identity.configurationEvent(changed(ConfigurationEvent.CM_UPDATED));

            // what the node runs with after the join: its identity, the store, the twin engine, the bridge
            EdgeNode node = services.node();
            assertThat(node.nodeName()).isEqualTo(JOIN_NAME);
            StoreComponent store = new StoreComponent(node, Fixtures.config(StoreComponent.Config.class, Map.of()));
            TwinEngineComponent engine = new TwinEngineComponent(store, store, node,
                    Fixtures.config(TwinEngineComponent.Config.class, Map.of()));
            Map<String, Object> bridgeConfig = new HashMap<>(Fixtures.fast(cloud));
            bridgeConfig.remove("node.name");
            Dictionary<String, Object> written = configAdmin.properties;
            for (var keys = written.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                bridgeConfig.put(key, written.get(key));
            }
            CloudBridgeComponent bridge = new CloudBridgeComponent(Fixtures.config(BridgeConfig.class, bridgeConfig),
                    store, store, node, configAdmin.admin());
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> bridge.snapshot().state() == LinkState.CONNECTED);
                assertThat(bridge.snapshot().node()).isEqualTo(JOIN_NAME);
                await().atMost(Duration.ofSeconds(10)).until(() -> cloud.nodes.containsKey(JOIN_NAME));

                // the cloud sends a Device of this node, as CloudCore does for spec.nodeName
                ObjectNode device = Fixtures.device("default", "sensor-1", JOIN_NAME);
                device.with("spec").putArray("properties").addObject().put("name", "temperature")
                        .putObject("desired").put("value", "");
                String pushed = cloud.pushObject("insert", "default/device/sensor-1", device);
                await().atMost(Duration.ofSeconds(10)).until(() -> cloud.acks(pushed) == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> engine.members().contains("default/sensor-1"));

                TwinReply reply = update(engine, "21.5");
                assertThat(reply.code()).as("%s", reply).isEqualTo(200);
                // and the report of a cloud Device goes up and is answered
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        !cloud.received("update", "device/default/sensor-1/twin/edge_updated").isEmpty()
                                && store.depth() == 0);
                assertThat(cloud.cloudCoreLog).isEmpty();
            } finally {
                deactivate(bridge);
                deactivate(engine);
                Fixtures.closeStore(store);
            }

            // edge:leave: the configuration goes, and with it the joined name
            LeaveCommand leave = new LeaveCommand();
            leave.configurationAdmin = configAdmin.admin();
            leave.node = services.node();
            String left = captured(() -> {
                try {
                    leave.execute();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(left).contains("no longer known as " + JOIN_NAME);
            identity.configurationEvent(changed(ConfigurationEvent.CM_DELETED));
            assertThat(services.node().nodeName()).isEqualTo(ownName);

            // SCR restarts the bridge for the node's new name with the configuration it still holds, before the
            // deletion reaches it: the bridge sees the configuration is gone and neither joins nor connects
            int connectionsBefore = cloud.connections.get();
            StoreComponent idleStore = new StoreComponent(services.node(),
                    Fixtures.config(StoreComponent.Config.class, Map.of()));
            CloudBridgeComponent stale = new CloudBridgeComponent(Fixtures.config(BridgeConfig.class, bridgeConfig),
                    idleStore, idleStore, services.node(), configAdmin.admin());
            try {
                Thread.sleep(1_500); // a started bridge connects to the double within a few hundred ms
                assertThat(cloud.connections.get()).isEqualTo(connectionsBefore);
                assertThat(stale.snapshot().state()).isEqualTo(LinkState.DISABLED);
                assertThat(cloud.nodes).doesNotContainKey(ownName);
            } finally {
                deactivate(stale);
                Fixtures.closeStore(idleStore);
            }

            // standalone under its own name, the cloud's device is no longer this node's
            EdgeNode standalone = services.node();
            StoreComponent reopened = new StoreComponent(standalone,
                    Fixtures.config(StoreComponent.Config.class, Map.of()));
            TwinEngineComponent again = new TwinEngineComponent(reopened, reopened, standalone,
                    Fixtures.config(TwinEngineComponent.Config.class, Map.of()));
            try {
                // its twin, loaded from the store, goes as soon as membership is read from the Devices
                await().atMost(Duration.ofSeconds(10)).until(() -> !again.members().contains("default/sensor-1"));
                assertThat(update(again, "22").code()).isEqualTo(404);
            } finally {
                deactivate(again);
                Fixtures.closeStore(reopened);
            }
        } finally {
            deactivate(identity);
        }
    }
}
