package io.karedge.protocol.opcua.internal;


import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * An OPC UA server on Milo's server SDK, in the test's JVM, on a free 127.0.0.1 port: the far side of the
 * protocol for fast tests. Namespace {@code urn:karedge:milo-test} (index 2) holds, as {@code ns=2;s=<name>}:
 * {@code Temperature} (Double, read-only, set by the test), {@code Setpoint} (Double, writable), {@code Counter}
 * (Int32, writable), {@code Running} (Boolean, writable), {@code Label} (String, writable) and {@code Locked}
 * (Double, read-only). Endpoints: None, Basic256Sha256 Sign and SignAndEncrypt, Aes128_Sha256_RsaOaep and
 * Aes256_Sha256_RsaPss SignAndEncrypt; it accepts every client certificate, anonymous users, and the user
 * {@code operator} with password {@code secret-pass}.
 */
final class MiloTestServer implements AutoCloseable {

    static final String NAMESPACE = "urn:karedge:milo-test";
    static final String USER = "operator";
    static final String PASSWORD = "secret-pass";

    private final int port;
    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private OpcUaServer server;
    private TestNamespace namespace;
    private final Map<String, DataValue> values = new ConcurrentHashMap<>();

    private MiloTestServer(int port, KeyPair keyPair, X509Certificate certificate) {
        this.port = port;
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    static MiloTestServer start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keyPair = generator.generateKeyPair();
        X509Certificate certificate = new SelfSignedCertificateBuilder(keyPair)
                .setCommonName("Milo test server")
                .setApplicationUri("urn:karedge:milo-test-server")
                .addDnsName("localhost")
                .addIpAddress("127.0.0.1")
                .build();
        MiloTestServer test = new MiloTestServer(port, keyPair, certificate);
        test.startServer();
        return test;
    }

    int port() {
        return port;
    }

    String url() {
        return "opc.tcp://127.0.0.1:" + port + "/milo";
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** Sets a value as the server's own process would (sampled by its monitored items). */
    void set(String name, Variant value) {
        values.put(name, new DataValue(value));
        UaVariableNode node = namespace == null ? null : namespace.nodes.get(name);
        if (node != null) {
            node.setValue(new DataValue(value));
        }
    }

    /** @return the value a node holds now (after a client's write) */
    Object get(String name) {
        return namespace.nodes.get(name).getValue().getValue().getValue();
    }

    /** Stops the server as a restart or crash would: every session and subscription is gone. */
    void stop() throws Exception {
        if (server != null) {
            server.shutdown().get(10, TimeUnit.SECONDS);
            server = null;
            namespace = null;
        }
    }

    /** Starts it again on the same port, with the values it held (a restarted device keeps its process values). */
    void restart() throws Exception {
        stop();
        startServer();
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private void startServer() throws Exception {
        Set<EndpointConfig> endpoints = new LinkedHashSet<>();
        UserTokenPolicy anonymous = new UserTokenPolicy("anonymous", UserTokenType.Anonymous, null, null, null);
        UserTokenPolicy user = new UserTokenPolicy("username", UserTokenType.UserName, null, null,
                SecurityPolicy.Basic256Sha256.getUri());
        EndpointConfig.Builder base = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress("127.0.0.1")
                .setBindPort(port)
                .setHostname("127.0.0.1")
                .setPath("/milo")
                .setCertificate(certificate)
                .addTokenPolicies(anonymous, user);
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None).build());
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                .setSecurityMode(MessageSecurityMode.Sign).build());
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Basic256Sha256)
                .setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Aes128_Sha256_RsaOaep)
                .setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.Aes256_Sha256_RsaPss)
                .setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());

        MemoryCertificateStore store = new MemoryCertificateStore();
        CertificateValidator acceptAll = (chain, applicationUri, hostNames) -> { };
        RsaSha256CertificateFactory factory = new RsaSha256CertificateFactory() {
            @Override
            protected KeyPair createRsaSha256KeyPair() {
                return keyPair;
            }

            @Override
            protected X509Certificate[] createRsaSha256CertificateChain(KeyPair pair) {
                return new X509Certificate[]{certificate};
            }
        };
        DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(new MemoryTrustListManager(),
                store, factory, acceptAll);
        DefaultCertificateManager certificates = new DefaultCertificateManager(new MemoryCertificateQuarantine(), group);

        UsernameIdentityValidator users = new UsernameIdentityValidator(
                challenge -> USER.equals(challenge.getUsername()) && PASSWORD.equals(challenge.getPassword()));
        OpcUaServerConfig config = OpcUaServerConfig.builder()
                .setApplicationUri("urn:karedge:milo-test-server")
                .setApplicationName(LocalizedText.english("Milo test server"))
                .setProductUri("urn:karedge:milo-test-server")
                .setEndpoints(endpoints)
                .setCertificateManager(certificates)
                .setIdentityValidator(new CompositeValidator(AnonymousIdentityValidator.INSTANCE, users))
                .build();
        server = new OpcUaServer(config, profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
        namespace = new TestNamespace(server);
        namespace.startup();
        server.startup().get(10, TimeUnit.SECONDS);
    }

    /** The test's nodes, sampled for monitored items by Milo's {@link SubscriptionModel}. */
    private final class TestNamespace extends ManagedNamespaceWithLifecycle {
        final Map<String, UaVariableNode> nodes = new ConcurrentHashMap<>();
        private final SubscriptionModel subscriptions;

        TestNamespace(OpcUaServer server) {
            super(server, NAMESPACE);
            subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(this::createNodes);
        }

        private void createNodes() {
            variable("Temperature", NodeIds.Double, Variant.ofDouble(21.5), false);
            variable("Setpoint", NodeIds.Double, Variant.ofDouble(20.0), true);
            variable("Counter", NodeIds.Int32, Variant.ofInt32(0), true);
            variable("Running", NodeIds.Boolean, Variant.ofBoolean(false), true);
            variable("Label", NodeIds.String, Variant.ofString("start"), true);
            variable("Locked", NodeIds.Double, Variant.ofDouble(1.0), false);
        }

        private void variable(String name, NodeId dataType, Variant initial, boolean writable) {
            NodeId id = new NodeId(getNamespaceIndex(), name);
            DataValue value = values.getOrDefault(name, new DataValue(initial));
            UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(id)
                    .setBrowseName(new QualifiedName(getNamespaceIndex(), name))
                    .setDisplayName(LocalizedText.english(name))
                    .setDataType(dataType)
                    .setTypeDefinition(NodeIds.BaseDataVariableType)
                    .setAccessLevel(writable ? Set.of(AccessLevel.CurrentRead, AccessLevel.CurrentWrite)
                            : Set.of(AccessLevel.CurrentRead))
                    .setUserAccessLevel(writable ? Set.of(AccessLevel.CurrentRead, AccessLevel.CurrentWrite)
                            : Set.of(AccessLevel.CurrentRead))
                    .setValue(value)
                    .build();
            getNodeManager().addNode(node);
            node.addReference(new Reference(id, NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
            nodes.put(name, node);
        }

        @Override
        public void onDataItemsCreated(List<DataItem> items) {
            subscriptions.onDataItemsCreated(items);
        }

        @Override
        public void onDataItemsModified(List<DataItem> items) {
            subscriptions.onDataItemsModified(items);
        }

        @Override
        public void onDataItemsDeleted(List<DataItem> items) {
            subscriptions.onDataItemsDeleted(items);
        }

        @Override
        public void onMonitoringModeChanged(List<MonitoredItem> items) {
            subscriptions.onMonitoringModeChanged(items);
        }
    }

}
