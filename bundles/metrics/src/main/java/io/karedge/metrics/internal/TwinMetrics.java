package io.karedge.metrics.internal;

import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinListener;
import io.karedge.api.twin.TwinOrigin;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Twin changes by origin, counted as the twin engine announces them to its listeners (one
 * {@link LongAdder} increment per change), and the number of member devices. The engine is a dynamic,
 * optional reference: the engine binds its listeners while it activates, so a mandatory reference back to
 * it would be a cycle that Declarative Services can only report as an error.
 */
@Component(service = {NodeCollector.class, TwinListener.class}, property = "karedge.optional.part=twin engine")
public class TwinMetrics implements NodeCollector, TwinListener {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile TwinEngine engine;

    private final Map<TwinOrigin, LongAdder> changes = new EnumMap<>(TwinOrigin.class);

    @Activate
    public TwinMetrics() {
        for (TwinOrigin origin : TwinOrigin.values()) {
            changes.put(origin, new LongAdder());
        }
    }

    @Override
    public void twinChanged(TwinChange change) {
        changes.get(change.origin()).increment();
    }

    @Override
    public void collect(MetricFamilies families) {
        MetricFamilies.Counter updates = families.counter("karedge_twin_updates",
                "Twin changes applied (stored and announced), by where they came from");
        for (Map.Entry<TwinOrigin, LongAdder> entry : changes.entrySet()) {
            updates.add(entry.getValue().sum(), "source", entry.getKey().name().toLowerCase(Locale.ROOT),
                    "result", "applied");
        }
        updates.done();
        TwinEngine current = engine;
        if (current != null) {
            families.gauge("karedge_twin_devices", "Member devices with a twin").add(current.members().size())
                    .done();
        }
    }
}
