package io.karedge.kube.api.internal;

import io.karedge.api.access.LocalAccess;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.osgi.framework.BundleContext;
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
 * Serves the MetaStore as a Kubernetes API on loopback, as EdgeCore's MetaServer serves its store to edge
 * applications: it answers from the node's own store, so it keeps working while the cloud is away. Writes
 * of the node's own objects go to that store (see {@link ObjectWriter}).
 */
@Component(configurationPid = KubeApiComponent.PID,
        service = {KubeApiComponent.class, io.karedge.api.access.ClientKubeconfigs.class}, immediate = true)
@Designate(ocd = KubeApiComponent.Config.class)
public class KubeApiComponent implements io.karedge.api.access.ClientKubeconfigs {

    static final String PID = "io.karedge.kube.api";

    private static final Logger LOG = LoggerFactory.getLogger(KubeApiComponent.class);

    @ObjectClassDefinition(name = "Karedge edge-local Kubernetes API",
            description = "The node's objects in the Kubernetes API's shape on loopback; writes of the node's own "
                    + "objects")
    public @interface Config {
        @AttributeDefinition(description = "Address to listen on; loopback unless the node is meant to be reached "
                + "from elsewhere (add the name callers use to allowed.hosts of io.karedge.access)")
        String host() default KubeApiSettings.DEFAULT_HOST;

        @AttributeDefinition(description = "Port; 10550 is EdgeCore's MetaServer's")
        int port() default KubeApiSettings.DEFAULT_PORT;

        @AttributeDefinition(description = "Open watches at most; more are answered 429")
        int watch_max() default 64;

        @AttributeDefinition(description = "Events waiting for a slow watch client at most; then its watch ends "
                + "with a 410 and the client lists again")
        int watch_queue_max() default 1024;

        @AttributeDefinition(description = "Length of a watch whose client names no timeoutSeconds, in seconds")
        long watch_timeout_s() default 1800;

        @AttributeDefinition(description = "A quiet watch that allows bookmarks gets one this often, in seconds")
        long bookmark_interval_s() default 60;

        @AttributeDefinition(description = "Items per list page at most, whatever limit a client asks for")
        long list_page_max() default 500;

        @AttributeDefinition(description = "Largest body of a write (create, replace, patch, delete), in bytes; "
                + "larger ones are answered 413")
        long request_body_max_bytes() default KubeApiSettings.DEFAULT_REQUEST_BODY_MAX_BYTES;

        @AttributeDefinition(description = "A watch with nothing to send writes a bare newline this often, in "
                + "seconds, so that a client that went away is noticed and its slot freed")
        long watch_keepalive_s() default KubeApiSettings.DEFAULT_KEEPALIVE_SECONDS;

        @AttributeDefinition(description = "Threads for admitted requests besides the watches (a connection still "
                + "sending its request holds none)")
        int request_threads() default KubeApiSettings.DEFAULT_REQUEST_THREADS;

        @AttributeDefinition(description = "Open connections at most; a new one beyond takes the place of the one "
                + "that has waited longest without a complete request, or is closed when all are busy")
        int connections_max() default ConnectionLimits.DEFAULT_CONNECTIONS_MAX;

        @AttributeDefinition(description = "Open connections at most from one remote address other than loopback")
        int connections_per_address_max() default ConnectionLimits.DEFAULT_CONNECTIONS_PER_ADDRESS_MAX;

        @AttributeDefinition(description = "A connection must deliver a whole request (TLS handshake, head, body) "
                + "within this many seconds of opening or of the previous answer's end; else it is closed")
        long request_read_timeout_s() default ConnectionLimits.DEFAULT_REQUEST_READ_TIMEOUT_SECONDS;

        @AttributeDefinition(description = "Write the kubeconfig of the node's user to this file (mode 0600; its "
                + "token is read from the token file, so it follows a rotation); empty = "
                + "${karaf.data}/karedge/kubeconfig")
        String kubeconfig_file() default "";

        @AttributeDefinition(description = "Serve HTTPS with a self-signed certificate made at first start "
                + "(kubectl sends a token only over TLS); false serves plain HTTP, where the token is still required")
        boolean tls() default true;

        @AttributeDefinition(description = "PKCS#12 file with the API's key and certificate (made when missing, "
                + "mode 0600); empty = ${karaf.data}/karedge/kube-api.p12")
        String certificate_file() default "";

        @AttributeDefinition(description = "PKCS#12 file with the node's client authority, whose client "
                + "certificates (edge:kubeconfig --user) the API accepts (made when missing, mode 0600); empty = "
                + "${karaf.data}/karedge/kube-api-client-ca.p12")
        String client_ca_file() default "";
    }

    private static final Instant STARTED = Instant.now();

    private final KubeApiServer server;
    private final String version;
    private final String serverUrl;
    private final ServingCertificate certificate;
    private final LocalCertificateAuthority clients;
    private volatile OwnNode ownNode;

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile LivePodStatus livePods;

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile EdgeNode node;

    /** Issues the service-account tokens of the node's pods; without it a pod's token is a 401. */
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile io.karedge.api.access.PodTokens podTokens;

    @Activate
    public KubeApiComponent(@Reference(name = "metaStore") MetaStore store,
                            @Reference(name = "access") LocalAccess access, Config config, BundleContext context) {
        this.version = "karedge-" + context.getBundle().getVersion();
        KubeApiServer started = null;
        KubeApiSettings settings = null;
        String url = null;
        ServingCertificate serving = null;
        LocalCertificateAuthority authority = null;
        try {
            settings = new KubeApiSettings(config.host(), config.port(), config.watch_max(), config.watch_queue_max(),
                    config.watch_timeout_s(), config.bookmark_interval_s(), config.list_page_max(),
                    config.request_body_max_bytes(), config.watch_keepalive_s(), config.request_threads());
            ServingCertificate certificate = config.tls()
                    ? ServingCertificate.loadOrCreate(dataFile(config.certificate_file(), "kube-api.p12"), config.host())
                    : null;
            serving = certificate;
            authority = config.tls()
                    ? LocalCertificateAuthority.loadOrCreate(dataFile(config.client_ca_file(), "kube-api-client-ca.p12"))
                    : null;
            ConnectionLimits limits = new ConnectionLimits(config.connections_max(),
                    config.connections_per_address_max(), java.time.Duration.ofSeconds(config.request_read_timeout_s()));
            started = KubeApiServer.start(new WithOwnNode(store, this::ownNode), settings, limits, Clock.systemUTC(),
                    () -> livePods, this::mode, access, certificate, authority, () -> podTokens);
            String server = (certificate == null ? "http://" : "https://") + clientHost(settings.host()) + ":"
                    + started.port();
            LOG.info("Kubernetes API of the node at {}", server);
            url = server;
            writeKubeconfig(dataFile(config.kubeconfig_file(), "kubeconfig"), server, access, certificate);
        } catch (IOException e) {
            LOG.error("The Kubernetes API of the node cannot listen on {}:{} ({}); set port in etc/{}.cfg",
                    settings.host(), settings.port(), e.getMessage(), PID);
        } catch (IllegalArgumentException e) {
            LOG.error("The Kubernetes API of the node is off: etc/{}.cfg is wrong: {}", PID, e.getMessage());
        }
        this.server = started;
        this.serverUrl = url;
        this.certificate = serving;
        this.clients = authority;
    }

    @Override
    public void write(String user, Path file) throws IOException {
        if (server == null || serverUrl == null) {
            throw new IllegalStateException("the node's Kubernetes API is not running (see the log)");
        }
        if (clients == null || certificate == null) {
            throw new IllegalStateException("client certificates need HTTPS: tls is false in etc/" + PID + ".cfg");
        }
        LocalCertificateAuthority.Issued issued = clients.issue(user, 365);
        Kubeconfig.writeForClient(file, serverUrl, certificate.certificatePem(), user, issued);
        LOG.info("Client certificate for {} issued; kubeconfig {}", user, file);
    }

    /** @return the node's own Node, made once for the node's name of the moment */
    private Optional<OwnNode> ownNode() {
        EdgeNode current = node;
        if (current == null || current.nodeName() == null || current.nodeName().isBlank()) {
            return Optional.empty();
        }
        OwnNode made = ownNode;
        if (made == null || !made.name().equals(current.nodeName())) {
            Instant created = OwnNode.createdTime(current.dataDirectory()).orElse(STARTED);
            made = OwnNode.ofThisMachine(current.nodeName(), version, created);
            ownNode = made;
        }
        return Optional.of(made);
    }

    private static Path dataFile(String configured, String name) {
        return configured == null || configured.isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "karedge", name) : Path.of(configured.trim());
    }

    private static String clientHost(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
    }

    private static void writeKubeconfig(Path file, String server, LocalAccess access, ServingCertificate certificate) {
        try {
            Kubeconfig.write(file, server, access.tokenFile(), certificate == null ? null : certificate.certificatePem());
            LOG.info("kubectl --kubeconfig {} reaches it as the node's user", file);
        } catch (IOException e) {
            LOG.warn("The kubeconfig {} could not be written: {}", file, e.toString());
        }
    }

    private Optional<NodeMode> mode() {
        EdgeNode current = node;
        return current == null ? Optional.empty() : Optional.ofNullable(current.mode());
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
        }
    }
}
