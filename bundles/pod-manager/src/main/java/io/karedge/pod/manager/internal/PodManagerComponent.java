package io.karedge.pod.manager.internal;

import io.karedge.api.meta.MetaStoreInformer;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.MetaStore;
import io.karedge.api.node.EdgeNode;
import io.karedge.api.uplink.Uplink;
import io.karedge.pod.LogChunk;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRestore;
import io.karedge.pod.PodRuntime;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.PodUsage;
import io.karedge.pod.StreamRequest;
import io.karedge.api.progress.ProgressTracker;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
 * The pod manager as a DS component: watches Pods in the MetaStore, runs those of this node on the
 * {@link PodRuntime} services of the whiteboard, and reports their status through the uplink.
 */
@Component(service = PodManagerStatus.class, configurationPid = PodManagerComponent.PID, immediate = true)
@Designate(ocd = PodManagerComponent.Config.class)
public final class PodManagerComponent implements PodManagerStatus {

    static final String PID = "io.karedge.pod.manager";
    /** How long the restore of the last run's pods is waited for before it ends with what is not back. */
    static final long RESTORE_DEADLINE_SECONDS = 120;

    private static final Logger LOG = LoggerFactory.getLogger(PodManagerComponent.class);

    @ObjectClassDefinition(name = "Karedge pod manager", description = "Runs the pods of this node")
    public @interface Config {

        @AttributeDefinition(description = "First crash-loop and image-pull back-off in ms (kubelet: 10 s)", min = "1")
        long backoff_initial_ms() default 10_000;

        @AttributeDefinition(description = "Longest back-off in ms (kubelet: 5 min)", min = "1")
        long backoff_max_ms() default 300_000;

        @AttributeDefinition(description = "How often each pod is compared with what its runtime runs (ms)",
                min = "10")
        long sync_period_ms() default 2_000;

        @AttributeDefinition(description = "Threads that carry out runtime calls (one pod at a time each)", min = "1")
        int threads() default 4;

        @AttributeDefinition(description = "Pause before listing and watching again after a watch closed (ms)",
                min = "10")
        long watch_retry_ms() default 1_000;

        @AttributeDefinition(description = "Node address reported as hostIP (and podIP of host-network pods); "
                + "empty: the first IPv4 address of an interface that is up")
        String host_ip() default "";

        @AttributeDefinition(description = "Also report pods that the cloud did not send (local manifests)")
        boolean report_local_pods() default false;

        @AttributeDefinition(description = "Record where each pod came from (<karaf.data>/pods-first/<uid>.origin) "
                + "so that the node's launcher restarts it before the framework after a reboot")
        boolean pods_first() default true;

        @AttributeDefinition(description = "The manifest source's directory: a pod from a manifest that is no "
                + "longer there is not started (it is about to be deleted)")
        String manifest_directory() default "${karaf.etc}/manifests";

        @AttributeDefinition(description = "How long after the pod manager started, or after a runtime went, a "
                + "pod whose runtime class is not served keeps its status before it turns RuntimeClassNotFound "
                + "(ms): a runtime may start after the pod manager (the feature runtime once Karaf's features "
                + "service runs) and one whose bundle is updated comes back", min = "0")
        long runtime_wait_ms() default 30_000;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Uplink uplink;

    /** Issues the tokens of service-account token volumes; without it those volumes hold no token. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile io.karedge.api.access.PodTokens podTokens;

    private volatile ProgressTracker progress;
    private final RestoreWatch restore;
    private final PodManager manager;
    private final MetaStoreInformer watcher;

    /**
     * Depends on the store and the node's identity only, so that it starts as early as they are there: the
     * cloud link, the progress tracker and the runtimes are bound whenever they come.
     */
    @Activate
    public PodManagerComponent(@Reference MetaStore store, @Reference EdgeNode node, Config config) {
        this(store, node.nodeName(), node.dataDirectory(), Settings.of(config), Clock.systemUTC(),
                Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
    }

    PodManagerComponent(MetaStore store, String nodeName, Path dataDirectory, Settings settings, Clock clock) {
        this(store, nodeName, dataDirectory, settings, clock, clock.instant());
    }

    private PodManagerComponent(MetaStore store, String nodeName, Path dataDirectory, Settings settings, Clock clock,
                                Instant processStart) {
        this.restore = new RestoreWatch(clock, processStart, () -> progress, settings.podsFirst()
                ? () -> LauncherRecord.read(LauncherRecord.defaultFile(), processStart) : java.util.Map::of);
        this.manager = new PodManager(settings, nodeName, dataDirectory, store, () -> uplink, clock, restore,
                () -> podTokens);
        this.watcher = new MetaStoreInformer(store, Kinds.POD, manager::podChanged, manager::podDeleted, manager.timer(),
                settings.watchRetryMillis());
        watcher.start();
        manager.listed();
        manager.timer().schedule(restore::giveUp, RESTORE_DEADLINE_SECONDS, TimeUnit.SECONDS);
        LOG.info("Pod manager runs the pods of node '{}' (hostIP {}, {} threads)", nodeName, manager.hostIp(),
                settings.threads());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindProgress(ProgressTracker tracker) {
        progress = tracker;
        restore.trackerBound();
    }

    void unbindProgress(ProgressTracker tracker) {
        if (progress == tracker) {
            progress = null;
        }
    }

    @Reference(service = PodRuntime.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + PodRuntime.RUNTIME_CLASS + "=*)")
    void bindRuntime(PodRuntime runtime, Map<String, Object> properties) {
        for (String runtimeClass : classes(properties.get(PodRuntime.RUNTIME_CLASS))) {
            manager.runtimeAdded(runtimeClass, runtime);
        }
    }

    void unbindRuntime(PodRuntime runtime, Map<String, Object> properties) {
        for (String runtimeClass : classes(properties.get(PodRuntime.RUNTIME_CLASS))) {
            manager.runtimeRemoved(runtimeClass, runtime);
        }
    }

    static List<String> classes(Object value) {
        if (value instanceof String text) {
            return text.isBlank() ? List.of(PodRuntime.DEFAULT_CLASS) : List.of(text);
        }
        if (value instanceof String[] texts) {
            return List.of(texts).stream().map(t -> t == null || t.isBlank() ? PodRuntime.DEFAULT_CLASS : t)
                    .distinct().toList();
        }
        return List.of();
    }

    @Deactivate
    void deactivate() {
        watcher.close();
        manager.close();
    }

    PodManager manager() {
        return manager;
    }

    @Override
    public List<PodInfo> pods() {
        return manager.views().infos();
    }

    @Override
    public Optional<PodInfo> pod(String namespace, String name) {
        return manager.views().info(namespace, name);
    }

    @Override
    public LogChunk log(String namespace, String name, String container, boolean previous, long offset, int maxBytes) {
        return manager.views().log(namespace, name, container, previous, offset, maxBytes);
    }

    @Override
    public URI stream(String namespace, String name, String container, StreamRequest request)
            throws PodRuntimeException {
        return manager.views().stream(namespace, name, container, request);
    }

    @Override
    public List<PodUsage> usage() throws PodRuntimeException {
        return manager.views().usage();
    }

    @Override
    public Optional<PodRestore> restore() {
        return Optional.of(restore.snapshot());
    }
}
