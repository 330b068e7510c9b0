package io.karedge.metrics.internal;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.LinkedHashSet;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The node's metric registry: the JVM's own metrics (memory, threads, GC, classes, process) and every
 * {@link NodeCollector} that is up. Nothing is sampled between scrapes.
 *
 * <p>The Prometheus registry and the JVM metrics are set up at the first scrape, not when the REST
 * whiteboard activates {@code /metrics} at start: the JVM metrics load the JDK's management classes (some
 * 300 classes with the client's), which a node nobody scrapes does not need.
 */
@Component(service = MetricsRegistry.class)
public class MetricsRegistry {

    private final Set<NodeCollector> collectors = new LinkedHashSet<>();
    private PrometheusRegistry registry;

    @Activate
    public MetricsRegistry() {
    }

    @Reference(name = "collector", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void addCollector(NodeCollector collector) {
        collectors.add(collector);
        if (registry != null) {
            registry.register(collector);
        }
    }

    synchronized void removeCollector(NodeCollector collector) {
        collectors.remove(collector);
        if (registry != null) {
            registry.unregister(collector);
        }
    }

    /** @return every family, read now */
    public MetricSnapshots scrape() {
        return registry().scrape();
    }

    /** @return true once the first scrape has set the registry up */
    synchronized boolean started() {
        return registry != null;
    }

    private synchronized PrometheusRegistry registry() {
        if (registry == null) {
            PrometheusRegistry created = new PrometheusRegistry();
            JvmMetrics.builder().register(created);
            collectors.forEach(created::register);
            registry = created;
        }
        return registry;
    }
}
