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
 *
 * <p>A first start leaves garbage behind (feature resolution, bundle wrapping) and a heap grown to hold
 * it; the serial collector gives memory back only at a full collection. So, {@code
 * memory.trim.after.start.s} seconds after the node is ready, one collection runs and the heap shrinks to
 * what is live: on a gateway that is tens of MiB of resident memory.
 */
@Component(immediate = true, service = {}, configurationPid = EdgeNodeComponent.PID)
public final class ReadinessMonitor implements BundleListener {

    static final String READY_MESSAGE = "Karedge node {} ready: {} bundles active, {} ms after JVM start";

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessMonitor.class);

    private final BundleContext context;
    private final EdgeNode node;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final int trimAfterSeconds;
    private volatile Thread trimmer;

    @Activate
    public ReadinessMonitor(BundleContext context, @Reference EdgeNode node, EdgeNodeComponent.Config config) {
        this.context = context;
        this.node = node;
        this.trimAfterSeconds = config.memory_trim_after_start_s();
        context.addBundleListener(this);
        checkReady();
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        Thread running = trimmer;
        if (running != null) {
            running.interrupt();
        }
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
            scheduleTrim();
        }
    }

    private void scheduleTrim() {
        if (trimAfterSeconds <= 0) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(trimAfterSeconds * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            Runtime runtime = Runtime.getRuntime();
            long before = runtime.totalMemory();
            System.gc(); // once, by design: see the class comment
            LOG.info("Start-up garbage collected: heap {} MiB -> {} MiB ({} MiB in use)", before >> 20,
                    runtime.totalMemory() >> 20, (runtime.totalMemory() - runtime.freeMemory()) >> 20);
        }, "karedge-memory-trim");
        thread.setDaemon(true);
        trimmer = thread;
        thread.start();
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}
