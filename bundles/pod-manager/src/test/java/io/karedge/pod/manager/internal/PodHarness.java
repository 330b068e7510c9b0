package io.karedge.pod.manager.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.karedge.api.meta.Kinds;
import io.karedge.api.meta.ObjectKey;
import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * A pod manager wired for tests (also used by the runtime modules' tests): a store, a recording uplink,
 * and the manager component with settings of the test's choosing.
 */
public final class PodHarness implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public final TestMetaStore store;
    public final RecordingUplink uplink = new RecordingUplink();
    private final PodManagerComponent component;

    /**
     * @param backoffInitialMillis first back-off
     * @param syncPeriodMillis     sync period
     */
    public PodHarness(TestMetaStore store, Path dataDirectory, long backoffInitialMillis, long backoffMaxMillis,
                      long syncPeriodMillis, Clock clock) {
        this(store, dataDirectory, new Settings(backoffInitialMillis, backoffMaxMillis, syncPeriodMillis, 4, 100,
                "127.0.0.1", true), clock);
    }

    /**
     * A manager that records each pod's origin for the pods-first launcher (under {@code <karaf.data>/pods-first})
     * and holds back pods whose manifest in {@code manifestDirectory} is gone.
     */
    public static PodHarness podsFirst(TestMetaStore store, Path dataDirectory, Path manifestDirectory,
                                       long syncPeriodMillis, Clock clock) {
        return new PodHarness(store, dataDirectory, new Settings(1_000, 4_000, syncPeriodMillis, 4, 100, "127.0.0.1",
                true, true, manifestDirectory.toString(), 0), clock);
    }

    /** A manager whose pods wait up to {@code runtimeWaitMillis} for a runtime class not served yet. */
    public static PodHarness withRuntimeWait(TestMetaStore store, Path dataDirectory, long syncPeriodMillis,
                                             long runtimeWaitMillis, Clock clock) {
        return new PodHarness(store, dataDirectory, new Settings(10_000, 300_000, syncPeriodMillis, 4, 100,
                "127.0.0.1", true).withRuntimeWait(runtimeWaitMillis), clock);
    }

    private PodHarness(TestMetaStore store, Path dataDirectory, Settings settings, Clock clock) {
        this.store = store;
        this.component = new PodManagerComponent(store, "edge-1", dataDirectory, settings, clock);
        this.component.uplink = uplink;
    }

    public void addRuntime(String runtimeClass, PodRuntime runtime) {
        component.bindRuntime(runtime, Map.of(PodRuntime.RUNTIME_CLASS, runtimeClass));
    }

    public void removeRuntime(String runtimeClass, PodRuntime runtime) {
        component.unbindRuntime(runtime, Map.of(PodRuntime.RUNTIME_CLASS, runtimeClass));
    }

    public void bindProgress(io.karedge.api.progress.ProgressTracker tracker) {
        component.bindProgress(tracker);
    }

    public PodManagerStatus status() {
        return component;
    }

    public Optional<PodInfo> pod(String name) {
        return component.pod("default", name);
    }

    /** Stores an object written in YAML, as the cloud would. */
    public ObjectNode apply(String yaml) {
        try {
            ObjectNode node = (ObjectNode) YAML.readTree(yaml);
            return store.put(node, "cloud").object();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Stores an object written in YAML with the source given ({@code manifest:<file>} for a manifest's). */
    public ObjectNode apply(String yaml, String source) {
        try {
            ObjectNode node = (ObjectNode) YAML.readTree(yaml);
            return store.put(node, source).object();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public void deletePod(String name) {
        store.delete(ObjectKey.of(Kinds.POD, "default", name));
    }

    /** Marks a pod for graceful deletion as the API server does. */
    public void requestDeletion(String name) {
        ObjectNode pod = store.get(ObjectKey.of(Kinds.POD, "default", name)).orElseThrow().copy();
        ((ObjectNode) pod.get("metadata")).put("deletionTimestamp", "2026-01-01T00:00:00Z");
        store.put(pod, "cloud");
    }

    @Override
    public void close() {
        component.deactivate();
    }
}
