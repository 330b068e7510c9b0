package io.karedge.cloud.bridge.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.ContainerRuntimeInfo;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.node.NodeAnnotationContributor;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.uplink.Uplink;
import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import io.karedge.cloud.bridge.UplinkDelivery;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EdgeHub role, active only while PID {@code io.karedge.cloud.bridge} exists: joins the cloud, keeps
 * the CloudHub link, writes cloud objects into the MetaStore and drains the Uplink. A configuration change
 * restarts the link with the new settings.
 */
@Component(service = CloudLinkStatus.class, configurationPid = BridgeConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = BridgeConfig.class)
public final class CloudBridgeComponent implements CloudLinkStatus {

    private static final Logger LOG = LoggerFactory.getLogger(CloudBridgeComponent.class);
    static final int RECENT_IDS = 10_000;

    private final LinkStatusHolder status;
    private final CloudLink link;
    private final UplinkDrainer drainer;
    private final NodeAgent agent;
    private final RemoteQueries queries;
    private final ScheduledExecutorService drainThread;
    private final ExecutorService ackers;
    private final AutoCloseable enqueueHook;
    private final PublishedAnnotations annotations = new PublishedAnnotations();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ContainerRuntimeInfo runtime;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ProgressTracker progress;

    @Activate
    public CloudBridgeComponent(BridgeConfig config, @Reference(name = "metaStore") MetaStore metaStore,
                                @Reference(name = "uplink") Uplink uplink, @Reference(name = "node") EdgeNode node,
                                @Reference(name = "configurationAdmin") ConfigurationAdmin configurationAdmin) {
        this(BridgeSettings.from(config, node.nodeName()), metaStore, uplink, node.dataDirectory(),
                Clock.systemUTC(), null, stillConfigured(configurationAdmin));
    }

    CloudBridgeComponent(BridgeSettings settings, MetaStore metaStore, Uplink uplink, Path dataDirectory,
                         Clock clock) {
        this(settings, metaStore, uplink, dataDirectory, clock, null);
    }

    CloudBridgeComponent(BridgeSettings settings, MetaStore metaStore, Uplink uplink, Path dataDirectory,
                         Clock clock, ProgressTracker tracker) {
        this(settings, metaStore, uplink, dataDirectory, clock, tracker, true);
    }

    /**
     * @param tracker the progress tracker to use instead of the referenced one (tests), or null
     * @param start   whether to join and connect; false when the configuration this component was given has
     *                already been deleted, so that it waits, idle, for its own deactivation
     */
    CloudBridgeComponent(BridgeSettings settings, MetaStore metaStore, Uplink uplink, Path dataDirectory,
                         Clock clock, ProgressTracker tracker, boolean start) {
        Supplier<ProgressTracker> progressTracker = tracker != null ? () -> tracker : () -> progress;
        JoinProgress joinProgress = new JoinProgress(progressTracker, settings, dataDirectory.resolve("cloud"));
        DrainProgress drainProgress = new DrainProgress(progressTracker, uplink, clock);
        SecureRandom random = new SecureRandom();
        this.status = new LinkStatusHolder(clock, settings.server().toString(), settings.nodeName(), uplink::depth,
                settings.watchResources());
        Enrollment enrollment = new Enrollment(new CredentialFiles(dataDirectory.resolve("cloud")),
                new CertificateService(settings.certServer().toString(),
                        Duration.ofMillis(Math.max(settings.connectTimeoutMillis(), 5_000))),
                settings.nodeName(), settings.token(), clock, random, joinProgress);
        this.link = new CloudLink(settings, enrollment, status, clock, random);
        this.drainThread = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("karedge-cloud-uplink", true));
        this.ackers = Executors.newFixedThreadPool(4, new DefaultThreadFactory("karedge-cloud-uplink-ack", true));
        RecentIds recent = new RecentIds(RECENT_IDS);
        NodeAgent[] agentHolder = new NodeAgent[1];
        Downstream downstream = new Downstream(metaStore, settings.nodeName(), status, recent,
                (ObjectNode cloudNode) -> {
                    if (agentHolder[0] != null && settings.registerNode()) {
                        agentHolder[0].cloudNode(cloudNode);
                    }
                });
        this.queries = new RemoteQueries(link::session, link.scheduler(), downstream, settings.queryTimeout());
        this.agent = new NodeAgent(settings, dataDirectory, uplink, () -> runtime, queries, link.scheduler(), clock,
                annotations::current);
        agentHolder[0] = agent;
        if (settings.registerNode()) {
            annotations.onChange(agent::annotationsChanged);
        }
        this.drainer = new UplinkDrainer(uplink, settings, status, agent,
                new DeviceReports(metaStore, settings.reportLocalDevices(), status), drainThread, ackers);
        link.wire(new Dispatcher(downstream, queries, drainer, status), drainer, agent, queries);
        link.watchFeed(new CloudWatchFeed(settings.watchResources(), settings.nodeName(), queries, link::session,
                downstream, link.scheduler(), Duration.ofMillis(settings.ackTimeoutMillis()), status.watch));
        link.progress(joinProgress, drainProgress);
        drainer.progress(drainProgress);
        agent.onRegistered(joinProgress::registered);
        this.enqueueHook = uplink.onEnqueue(drainer::wake);
        if (!start) {
            // edge:leave deletes the configuration, and the node's name changes with it: SCR may restart this
            // component for the new name with the configuration it still holds, before the deletion reaches it
            LOG.info("Cloud bridge not started: its configuration was removed; it stops once that reaches it");
            return;
        }
        if (settings.registerNode()) {
            agent.start();
        }
        link.start();
        LOG.info("Cloud bridge started: CloudHub {}, certificate service {}, node {}", settings.server(),
                settings.certServer(), settings.nodeName());
    }

    /** A part of the node that wants annotations on the node's Node (the mesh's tunnel port). */
    @Reference(name = "annotations", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeAnnotations", updated = "updatedAnnotations")
    void addAnnotations(NodeAnnotationContributor contributor, Map<String, Object> properties) {
        annotations.add(contributor, properties);
    }

    void updatedAnnotations(NodeAnnotationContributor contributor, Map<String, Object> properties) {
        annotations.add(contributor, properties);
    }

    void removeAnnotations(NodeAnnotationContributor contributor, Map<String, Object> properties) {
        annotations.remove(contributor, properties);
    }

    /** @return whether the bridge's configuration still exists in Config Admin (true when it cannot be told) */
    static boolean stillConfigured(ConfigurationAdmin configurationAdmin) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + BridgeConfig.PID + ")");
            return found != null && found.length > 0;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Could not look up the cloud bridge configuration, starting with the given one: {}", e.toString());
            return true;
        }
    }

    @Deactivate
    void deactivate() {
        try {
            enqueueHook.close();
        } catch (Exception e) {
            LOG.debug("Removing the enqueue hook: {}", e.toString());
        }
        agent.stop();
        link.stop();
        drainThread.shutdownNow();
        ackers.shutdown();
        try {
            ackers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Cloud bridge stopped");
    }

    @Override
    public CloudLinkSnapshot snapshot() {
        return status.snapshot();
    }

    @Override
    public UplinkDelivery uplinkDelivery() {
        return status.uplinkDelivery();
    }

    /**
     * Fetches a ConfigMap or a Secret from the cloud and stores it (for the pod manager or the REST API).
     *
     * @return the object, or empty if the cloud does not know it; fails if not connected or on timeout
     */
    public CompletableFuture<Optional<ObjectNode>> fetchFromCloud(String kind, String namespace, String name) {
        return queries.fetch(kind, namespace, name);
    }

    LinkStatusHolder status() {
        return status;
    }

    CloudLink link() {
        return link;
    }

    UplinkDrainer drainer() {
        return drainer;
    }
}
