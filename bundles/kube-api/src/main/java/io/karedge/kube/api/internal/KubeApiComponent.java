package io.karedge.kube.api.internal;

import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeMode;
import java.io.IOException;
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
@Component(configurationPid = KubeApiComponent.PID, service = KubeApiComponent.class, immediate = true)
@Designate(ocd = KubeApiComponent.Config.class)
public class KubeApiComponent {

    static final String PID = "io.karedge.kube.api";

    private static final Logger LOG = LoggerFactory.getLogger(KubeApiComponent.class);

    @ObjectClassDefinition(name = "Karedge edge-local Kubernetes API",
            description = "The node's objects in the Kubernetes API's shape on loopback; writes of the node's own "
                    + "objects")
    public @interface Config {
        @AttributeDefinition(description = "Address to listen on (loopback: the API has no authentication)")
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
    }

    private static final Instant STARTED = Instant.now();

    private final KubeApiServer server;
    private final String version;
    private volatile OwnNode ownNode;

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile LivePodStatus livePods;

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile EdgeNode node;

    @Activate
    public KubeApiComponent(@Reference(name = "metaStore") MetaStore store, Config config, BundleContext context) {
        this.version = "karedge-" + context.getBundle().getVersion();
        KubeApiServer started = null;
        KubeApiSettings settings = null;
        try {
            settings = new KubeApiSettings(config.host(), config.port(), config.watch_max(), config.watch_queue_max(),
                    config.watch_timeout_s(), config.bookmark_interval_s(), config.list_page_max(),
                    config.request_body_max_bytes());
            started = KubeApiServer.start(new WithOwnNode(store, this::ownNode), settings, Clock.systemUTC(),
                    () -> livePods, this::mode);
            LOG.info("Kubernetes API of the node at http://{}:{}", settings.host(), started.port());
        } catch (IOException e) {
            LOG.error("The Kubernetes API of the node cannot listen on {}:{} ({}); set port in etc/{}.cfg",
                    settings.host(), settings.port(), e.getMessage(), PID);
        } catch (IllegalArgumentException e) {
            LOG.error("The Kubernetes API of the node is off: etc/{}.cfg is wrong: {}", PID, e.getMessage());
        }
        this.server = started;
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
