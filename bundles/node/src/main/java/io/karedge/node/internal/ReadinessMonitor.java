package io.karedge.node.internal;

import io.karedge.api.node.EdgeNode;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line when, after start, every bundle of the node is active for the first time:
 * {@code Karedge node <name> ready: <n> bundles active, <ms> ms after JVM start}. Operators and the
 * start-up benchmark read it.
 */
@Component(immediate = true, service = {})
public final class ReadinessMonitor implements BundleListener {

    static final String READY_MESSAGE = "Karedge node {} ready: {} bundles active, {} ms after JVM start";

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessMonitor.class);

    private final BundleContext context;
    private final EdgeNode node;
    private final AtomicBoolean reported = new AtomicBoolean();

    @Activate
    public ReadinessMonitor(BundleContext context, @Reference EdgeNode node) {
        this.context = context;
        this.node = node;
        context.addBundleListener(this);
        checkReady();
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STARTED && !reported.get()) {
            checkReady();
        }
    }

    private void checkReady() {
        int active = 0;
        for (Bundle bundle : context.getBundles()) {
            if (isFragment(bundle)) {
                continue;
            }
            if (bundle.getState() != Bundle.ACTIVE) {
                return;
            }
            active++;
        }
        if (reported.compareAndSet(false, true)) {
            long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            LOG.info(READY_MESSAGE, node.nodeName(), active, sinceJvmStart);
        }
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}
