package io.karedge.metrics.internal;

import io.karedge.dmi.MapperRegistry;
import io.karedge.dmi.MapperState;
import io.karedge.dmi.MapperStatus;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The external KubeEdge mappers registered over DMI: their state, devices, queued pushes and last report. */
@Component(service = NodeCollector.class, property = "karedge.optional.part=dmi")
public class MapperMetrics implements NodeCollector {

    private final MapperRegistry registry;

    @Activate
    public MapperMetrics(@Reference(name = "mapperRegistry") MapperRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void collect(MetricFamilies families) {
        MetricFamilies.Gauge mappers = families.gauge("karedge_dmi_mappers",
                "Registered DMI mappers by state (1 for the state the mapper is in)");
        MetricFamilies.Gauge devices = families.gauge("karedge_dmi_mapper_devices", "Devices given to a mapper");
        MetricFamilies.Gauge pending = families.gauge("karedge_dmi_mapper_pending_pushes",
                "Pushes waiting to be delivered to a mapper");
        MetricFamilies.Gauge lastReport = families.gauge("karedge_dmi_mapper_last_report_timestamp_seconds",
                "When a mapper last reported a twin or a state (Unix time; absent before its first report)");
        for (MapperStatus mapper : registry.mappers()) {
            for (MapperState state : MapperState.values()) {
                mappers.add(mapper.state() == state ? 1 : 0, "mapper", mapper.name(), "protocol", mapper.protocol(),
                        "version", mapper.version(), "state", state.name().toLowerCase(Locale.ROOT));
            }
            devices.add(mapper.devices(), "protocol", mapper.protocol());
            pending.add(mapper.pending(), "protocol", mapper.protocol());
            if (mapper.lastReport() != null) {
                lastReport.add(mapper.lastReport().toEpochMilli() / 1000.0, "protocol", mapper.protocol());
            }
        }
        mappers.done();
        devices.done();
        pending.done();
        lastReport.done();
    }
}
