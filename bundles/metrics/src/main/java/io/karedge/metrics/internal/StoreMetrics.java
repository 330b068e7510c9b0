package io.karedge.metrics.internal;

import io.karedge.api.meta.StoreCommitStatistics;
import io.karedge.api.meta.StoreStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The store's transactions: how many committed, how many failed, and how long the commits took. */
@Component(service = NodeCollector.class, property = "karedge.optional.part=store")
public class StoreMetrics implements NodeCollector {

    private final StoreStatus store;

    @Activate
    public StoreMetrics(@Reference(name = "storeStatus") StoreStatus store) {
        this.store = store;
    }

    @Override
    public void collect(MetricFamilies families) {
        StoreCommitStatistics commits = store.commits();
        families.counter("karedge_store_commits",
                "Store transactions committed (each carries one or more writes: group commit)")
                .add(commits.commits()).done();
        families.counter("karedge_store_commit_failures",
                "Store transactions that could not start or commit; every write in them failed")
                .add(commits.failures()).done();
        families.histogram("karedge_store_commit_duration_seconds",
                "Time of a store transaction from its start to the commit's return (with synchronous=FULL the"
                        + " fsync included)")
                .add(commits.durations()).done();
    }
}
