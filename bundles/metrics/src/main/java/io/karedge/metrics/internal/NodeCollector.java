package io.karedge.metrics.internal;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * One part of the node's metrics, read from a status service at scrape time. Each implementation is a DS
 * component that requires its service, so a part that is not installed has no metrics and costs nothing.
 * Registered as a service of this bundle (the interface is private to it) and collected by
 * {@link MetricsRegistry}.
 */
public interface NodeCollector extends MultiCollector {

    /** Adds this part's families to one scrape; must not block for long and must not throw. */
    void collect(MetricFamilies families);

    @Override
    default MetricSnapshots collect() {
        MetricFamilies families = new MetricFamilies();
        try {
            collect(families);
        } catch (RuntimeException e) {
            // a status service that fails (a store closing, a bad label) costs its own families, not the scrape
            CollectorFailures.report(getClass(), e);
        }
        return families.snapshots();
    }
}
