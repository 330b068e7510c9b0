package io.karedge.metrics.internal;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The node's metric registry: the JVM's own metrics (memory, threads, GC, classes, process) and every
 * {@link NodeCollector} that is up. Nothing is sampled between scrapes.
 */
@Component(service = MetricsRegistry.class)
public class MetricsRegistry {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    @Activate
    public MetricsRegistry() {
        JvmMetrics.builder().register(registry);
    }

    @Reference(name = "collector", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCollector(NodeCollector collector) {
        registry.register(collector);
    }

    void removeCollector(NodeCollector collector) {
        registry.unregister(collector);
    }

    /** @return every family, read now */
    public MetricSnapshots scrape() {
        return registry.scrape();
    }
}
