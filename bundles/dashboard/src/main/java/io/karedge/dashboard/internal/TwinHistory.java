package io.karedge.dashboard.internal;

import io.karedge.api.twin.TwinChange;
import io.karedge.api.twin.TwinListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the recent values of the node's device properties for the dashboard's charts: a {@link TwinListener}
 * on the whiteboard, fed every committed twin change, holding them in a bounded {@link ValueHistory}. The
 * history lives in memory only: a restart of the node (or of this component) starts it again.
 */
@Component(service = {TwinListener.class, TwinHistory.class}, configurationPid = TwinHistory.PID)
@Designate(ocd = TwinHistory.Config.class)
public class TwinHistory implements TwinListener {

    static final String PID = "io.karedge.dashboard.history";

    private static final Logger LOG = LoggerFactory.getLogger(TwinHistory.class);

    @ObjectClassDefinition(name = "Karedge dashboard value history",
            description = "The recent values of device properties kept in memory for the dashboard's charts")
    public @interface Config {

        @AttributeDefinition(description = "Points kept per property at full resolution (one per second at most)",
                min = "1")
        int fine_points() default 120;

        @AttributeDefinition(description = "Minutes kept per property at one point per minute, before the "
                + "full-resolution points", min = "0")
        int coarse_minutes() default 60;

        @AttributeDefinition(description = "Properties kept at most (over all devices); past it the one that "
                + "changed least recently is forgotten", min = "1")
        int max_properties() default 1000;
    }

    private final ValueHistory history;

    @Activate
    public TwinHistory(Config config) {
        this(new ValueHistory.Limits(config.fine_points(), config.coarse_minutes(), config.max_properties()));
    }

    TwinHistory(ValueHistory.Limits limits) {
        this.history = new ValueHistory(limits);
        LOG.info("Value history: {} points per property at full resolution, {} minutes, {} properties at most",
                limits.finePoints(), limits.coarseMinutes(), limits.maxProperties());
    }

    @Override
    public void twinChanged(TwinChange change) {
        history.record(change);
    }

    ValueHistory history() {
        return history;
    }
}
