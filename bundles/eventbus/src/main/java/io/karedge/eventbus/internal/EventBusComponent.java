package io.karedge.eventbus.internal;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinListener;
import io.karedge.api.uplink.Uplink;
import io.karedge.eventbus.MqttBusStatus;
import io.karedge.eventbus.MqttUsers;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus: runs the embedded broker or connects to an external one, routes the KubeEdge
 * {@code $hw/events/...} topics to the {@link TwinEngine}, publishes results and change notifications
 * (as a {@link TwinListener}), and forwards upload topics to the {@link Uplink}. A configuration change
 * reactivates it: connections are closed and unacknowledged messages are delivered again by their
 * senders.
 */
@Component(service = {MqttBusStatus.class, TwinListener.class, MqttUsers.class},
        configurationPid = EventBusComponent.PID, immediate = true)
@Designate(ocd = EventBusComponent.Config.class)
public final class EventBusComponent implements MqttBusStatus, TwinListener, MqttUsers {

    static final String PID = "io.karedge.eventbus";
    private static final Logger LOG = LoggerFactory.getLogger(EventBusComponent.class);

    /** Configuration PID {@code io.karedge.eventbus}. */
    @ObjectClassDefinition(id = PID, name = "Karedge event bus",
            description = "MQTT for KubeEdge applications and mappers: embedded broker or external broker.")
    public @interface Config {

        @AttributeDefinition(name = "mode", description = "embedded: run the MQTT broker in the node;"
                + " external: connect to a broker such as mosquitto.",
                options = {@Option(label = "embedded", value = "embedded"), @Option(label = "external", value = "external")})
        String mode() default "embedded";

        @AttributeDefinition(name = "host", description = "Embedded mode: the address the broker binds.")
        String host() default "127.0.0.1";

        @AttributeDefinition(name = "port", description = "Embedded mode: the port the broker binds.", min = "0", max = "65535")
        int port() default 1883;

        @AttributeDefinition(name = "bind.retry.ms", description = "Embedded mode: when the broker's address can't"
                + " be bound (the port is taken, the address is not up yet), the node starts without MQTT, says why"
                + " in edge:mqtt and tries again this often.", min = "100")
        long bind_retry_ms() default BrokerSettings.DEFAULT_BIND_RETRY_MILLIS;

        @AttributeDefinition(name = "publish.qos", description = "Embedded mode: QoS of the bus's own publications"
                + " (results, documents, deltas).", min = "0", max = "2")
        int publish_qos() default 1;

        @AttributeDefinition(name = "allow.anonymous", description = "Embedded mode: accept clients that send no"
                + " user name (KubeEdge applications usually do not). Off: they are refused with CONNACK 0x05.")
        boolean allow_anonymous() default false;

        @AttributeDefinition(name = "password.file", description = "Embedded mode: users and their salted"
                + " password hashes (edit with edge:mqtt-user); empty = ${karaf.data}/karedge/mqtt-users.")
        String password_file() default "";

        @AttributeDefinition(name = "acl.file", description = "Embedded mode: topic rights in the shape of"
                + " mosquitto's acl_file (user, topic [read|write|readwrite], pattern with %u and %c); empty: every"
                + " accepted client may publish and subscribe anywhere except on the node's own output topics.")
        String acl_file() default "";

        @AttributeDefinition(name = "tls.port", description = "Embedded mode: a second listener, TLS with client"
                + " certificates (their CN is the user name), on this port; 0: none.", min = "0", max = "65535")
        int tls_port() default 0;

        @AttributeDefinition(name = "tls.server.cert.file", description = "Embedded mode, TLS listener: the"
                + " broker's PEM certificate chain.")
        String tls_server_cert_file() default "";

        @AttributeDefinition(name = "tls.server.key.file", description = "Embedded mode, TLS listener: its PEM"
                + " PKCS#8 private key.")
        String tls_server_key_file() default "";

        @AttributeDefinition(name = "tls.client.ca.file", description = "Embedded mode, TLS listener: PEM CA"
                + " certificate(s) every client certificate must chain to.")
        String tls_client_ca_file() default "";

        @AttributeDefinition(name = "session.file", description = "Embedded mode: journal of the persistent"
                + " sessions (cleanSession=0); empty = ${karaf.data}/karedge/mqtt-sessions.journal.")
        String session_file() default "";

        @AttributeDefinition(name = "session.expiry.secs", description = "Embedded mode: a persistent session whose"
                + " client stayed away this long is discarded.", min = "1")
        long session_expiry_secs() default SessionSettings.DEFAULT_EXPIRY_SECS;

        @AttributeDefinition(name = "session.fsync", description = "Embedded mode: force the session journal to"
                + " disk before a message queued for a persistent session is acknowledged to its publisher.")
        boolean session_fsync() default true;

        @AttributeDefinition(name = "legacy.topics", description = "Accept the v1.15/1.16 device topics"
                + " $hw/events/device/<name>/... (namespace default), and publish notifications of namespace"
                + " default in that form too.")
        boolean legacy_topics() default true;

        @AttributeDefinition(name = "max.message.size", description = "Embedded mode: largest MQTT packet a"
                + " client may send, in bytes; a larger one closes its connection.", min = "1024")
        int max_message_size() default 4 * 1024 * 1024;

        @AttributeDefinition(name = "max.inflight", description = "Embedded mode: unacknowledged QoS 1 messages"
                + " sent to one client at a time.", min = "1", max = "65535")
        int max_inflight() default 100;

        @AttributeDefinition(name = "max.queued", description = "Embedded mode: messages waiting for one client;"
                + " more are dropped (counted and logged).", min = "1")
        int max_queued() default 1000;

        @AttributeDefinition(name = "max.retained", description = "Embedded mode: retained messages kept.", min = "1")
        int max_retained() default 10_000;

        @AttributeDefinition(name = "max.retained.bytes", description = "Embedded mode: payload bytes of all"
                + " retained messages together; a retained message past it is delivered but not retained.", min = "1")
        long max_retained_bytes() default BrokerSettings.DEFAULT_MAX_RETAINED_BYTES;

        @AttributeDefinition(name = "max.queued.bytes", description = "Embedded mode: payload bytes queued for or in"
                + " flight to one client; more are dropped, counted and logged.", min = "1")
        long max_queued_bytes() default BrokerSettings.DEFAULT_MAX_QUEUED_BYTES;

        @AttributeDefinition(name = "max.queued.total.bytes", description = "Embedded mode: payload bytes queued for"
                + " or in flight to all clients together; more are dropped, counted and logged.", min = "1")
        long max_queued_total_bytes() default BrokerSettings.DEFAULT_MAX_QUEUED_TOTAL_BYTES;

        @AttributeDefinition(name = "max.pending.bytes", description = "Embedded mode: payload bytes one client has"
                + " sent that are not stored yet; past it the broker stops reading from that client until they are.",
                min = "1")
        long max_pending_bytes() default BrokerSettings.DEFAULT_MAX_PENDING_BYTES;

        @AttributeDefinition(name = "max.pending.total.bytes", description = "Embedded mode: the same for all"
                + " clients together.", min = "1")
        long max_pending_total_bytes() default BrokerSettings.DEFAULT_MAX_PENDING_TOTAL_BYTES;

        @AttributeDefinition(name = "io.threads", description = "Embedded mode: Netty I/O threads.", min = "1")
        int io_threads() default 2;

        @AttributeDefinition(name = "external.url", description = "External mode: tcp://host:port or ssl://host:port.")
        String external_url() default "tcp://127.0.0.1:1883";

        @AttributeDefinition(name = "client.id", description = "External mode: MQTT client id; empty means"
                + " karedge-<node name>.")
        String client_id() default "";

        @AttributeDefinition(name = "username", description = "External mode: user name, empty for none.")
        String username() default "";

        @AttributeDefinition(name = "password", type = AttributeType.PASSWORD,
                description = "External mode: password, empty for none.")
        String password() default "";

        @AttributeDefinition(name = "tls.ca.file", description = "External mode, ssl:// URL: PEM CA certificate;"
                + " empty trusts the JVM's default CAs.")
        String tls_ca_file() default "";

        @AttributeDefinition(name = "tls.cert.file", description = "External mode, ssl:// URL: PEM client"
                + " certificate for mutual TLS; empty for none.")
        String tls_cert_file() default "";

        @AttributeDefinition(name = "tls.key.file", description = "External mode, ssl:// URL: PEM PKCS#8 private"
                + " key of the client certificate.")
        String tls_key_file() default "";

        @AttributeDefinition(name = "clean.session", description = "External mode: false keeps the broker-side"
                + " session while the bus is away, so messages not yet acknowledged are delivered again.")
        boolean clean_session() default false;
    }

    private final BusSettings settings;
    private final BusMetrics metrics = new BusMetrics();
    private final ExecutorService uplinkExecutor;
    private final BusDispatcher dispatcher;
    private final Bus bus;
    private final PasswordFile passwords;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Uplink uplink;

    @Activate
    public EventBusComponent(@Reference(name = "engine") TwinEngine engine, @Reference(name = "node") EdgeNode node,
                             Config config) throws Exception {
        this.settings = BusSettings.from(config, node.nodeName());
        this.uplinkExecutor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "karedge-eventbus-uplink");
            thread.setDaemon(true);
            return thread;
        });
        this.dispatcher = new BusDispatcher(engine, settings.legacyTopics(), () -> uplink, uplinkExecutor, metrics);
        this.bus = settings.mode() == BusSettings.Mode.EMBEDDED
                ? new EmbeddedBus(settings.broker(), settings.access(), settings.sessions(), settings.publishQos(),
                        dispatcher, metrics)
                : new ExternalConnection(settings.external(), dispatcher, metrics);
        this.passwords = new PasswordFile(settings.access().passwordFile());
        dispatcher.publishTo(bus);
        try {
            bus.start();
        } catch (Exception e) {
            bus.close();
            uplinkExecutor.shutdownNow();
            throw e;
        }
        if (bus.problem() == null) {
            LOG.info("Event bus started: {} MQTT at {}", settings.mode().label(), bus.address());
        } else {
            LOG.warn("Event bus started without MQTT at {}: {}", bus.address(), bus.problem());
        }
    }

    @Deactivate
    void deactivate() {
        bus.close();
        uplinkExecutor.shutdown();
        try {
            if (!uplinkExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                uplinkExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void twinChanged(TwinChange change) {
        dispatcher.twinChanged(change);
    }

    @Override
    public String mode() {
        return settings.mode().label();
    }

    @Override
    public String address() {
        return bus.address();
    }

    @Override
    public boolean connected() {
        return bus.connected();
    }

    @Override
    public int connectedClients() {
        return bus.connectedClients();
    }

    @Override
    public String problem() {
        return bus.problem();
    }

    @Override
    public double messagesInPerSecond() {
        return metrics.inPerSecond();
    }

    @Override
    public double messagesOutPerSecond() {
        return metrics.outPerSecond();
    }

    @Override
    public long messagesIn() {
        return metrics.messagesIn();
    }

    @Override
    public long messagesOut() {
        return metrics.messagesOut();
    }

    @Override
    public long rejected() {
        return metrics.rejectedCount();
    }

    @Override
    public long errors() {
        return metrics.errorCount();
    }

    @Override
    public long refusedConnections() {
        return metrics.refusedConnections();
    }

    @Override
    public long refusedPublishes() {
        return metrics.refusedPublishes();
    }

    @Override
    public long refusedSubscriptions() {
        return metrics.refusedSubscriptions();
    }

    @Override
    public long sessionDropped() {
        return metrics.sessionDroppedCount();
    }

    @Override
    public int persistentSessions() {
        return bus instanceof EmbeddedBus embedded ? embedded.broker().persistentSessions() : 0;
    }

    @Override
    public String file() {
        return passwords.path().toString();
    }

    @Override
    public List<String> users() throws IOException {
        passwords.refresh();
        return passwords.users();
    }

    @Override
    public boolean put(String user, char[] password) throws IOException {
        return passwords.put(user, password);
    }

    @Override
    public boolean remove(String user) throws IOException {
        return passwords.remove(user);
    }
}
