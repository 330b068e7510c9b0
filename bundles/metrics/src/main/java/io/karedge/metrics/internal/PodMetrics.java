package io.karedge.metrics.internal;

import io.karedge.pod.PodInfo;
import io.karedge.pod.PodManagerStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Pods by phase, and per pod its ready containers and restarts. */
@Component(service = NodeCollector.class, property = "karedge.optional.part=pod manager")
public class PodMetrics implements NodeCollector {

    private static final List<String> PHASES = List.of("Pending", "Running", "Succeeded", "Failed", "Unknown");

    private final PodManagerStatus manager;

    @Activate
    public PodMetrics(@Reference(name = "podManager") PodManagerStatus manager) {
        this.manager = manager;
    }

    @Override
    public void collect(MetricFamilies families) {
        List<PodInfo> pods = manager.pods();
        Map<String, Long> byPhase = new TreeMap<>();
        PHASES.forEach(phase -> byPhase.put(phase, 0L));
        for (PodInfo pod : pods) {
            byPhase.merge(pod.phase() == null ? "Unknown" : pod.phase(), 1L, Long::sum);
        }
        MetricFamilies.Gauge phases = families.gauge("karedge_pods", "Pods run by the pod manager, by phase");
        byPhase.forEach((phase, count) -> phases.add(count, "phase", phase));
        phases.done();
        MetricFamilies.Counter restarts = families.counter("karedge_pod_restarts", "Container restarts of a pod");
        MetricFamilies.Gauge ready = families.gauge("karedge_pod_containers_ready", "Ready containers of a pod");
        for (PodInfo pod : pods) {
            restarts.add(pod.restarts(), "namespace", pod.ref().namespace(), "pod", pod.ref().name());
            ready.add(pod.ready(), "namespace", pod.ref().namespace(), "pod", pod.ref().name());
        }
        restarts.done();
        ready.done();
        manager.restore().filter(restore -> restore.done() && restore.pods() > 0).ifPresent(restore -> {
            MetricFamilies.Gauge seconds = families.gauge("karedge_pods_restore_seconds",
                    "Seconds from the start of the node's process until the pods of its last run were running again");
            seconds.add(restore.elapsed().toMillis() / 1000.0);
            seconds.done();
            MetricFamilies.Gauge restored = families.gauge("karedge_pods_restored",
                    "Pods of the last run after this start, by outcome");
            restored.add(restore.running(), "outcome", "running");
            restored.add(restore.pods() - restore.running(), "outcome", "not_running");
            restored.done();
        });
    }
}
