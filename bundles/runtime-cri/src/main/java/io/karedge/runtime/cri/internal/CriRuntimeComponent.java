package io.karedge.runtime.cri.internal;

import io.karedge.api.node.ContainerRuntimeInfo;
import io.karedge.api.node.EdgeNode;
import io.karedge.pod.PodRuntime;
import java.util.Hashtable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRI runtime as a DS component: a {@link PodRuntime} for the default runtime class over the runtime's
 * unix socket. Once the runtime has answered, a {@link ContainerRuntimeInfo} is registered beside it and
 * refreshed every {@code status.interval.ms}.
 */
@Component(service = PodRuntime.class, configurationPid = CriRuntimeComponent.PID, immediate = true,
        property = PodRuntime.RUNTIME_CLASS + "=" + PodRuntime.DEFAULT_CLASS)
@Designate(ocd = CriRuntimeComponent.Config.class)
public final class CriRuntimeComponent implements PodRuntime {

    static final String PID = "io.karedge.runtime.cri";

    private static final Logger LOG = LoggerFactory.getLogger(CriRuntimeComponent.class);

    @ObjectClassDefinition(name = "Karedge CRI runtime", description = "Runs pods on a CRI runtime (containerd)")
    public @interface Config {

        @AttributeDefinition(description = "The runtime's unix socket (unix:// prefix optional)")
        String endpoint() default "/run/containerd/containerd.sock";

        @AttributeDefinition(description = "Deadline of an ordinary CRI call (ms)", min = "100")
        long timeout_ms() default 10_000;

        @AttributeDefinition(description = "Deadline of an image pull (ms)", min = "100")
        long pull_timeout_ms() default 300_000;

        @AttributeDefinition(description = "Container log directory, relative to the node's data directory")
        String log_directory() default "pod-logs";

        @AttributeDefinition(description = "How often version, status and images are read (ms)", min = "100")
        long status_interval_ms() default 10_000;

        @AttributeDefinition(description = "CRI runtime handler to ask for, empty for the runtime's default")
        String runtime_handler() default "";

        @AttributeDefinition(description = "Keep a restore plan of the running pods in <karaf.data>/pods-first, "
                + "from which the node's launcher starts them again before the framework after a reboot; false "
                + "removes the plan")
        boolean pods_first() default true;
    }

    private final CriClient client;
    private final CriPodRuntime runtime;
    private final CriRuntimeInfo info;
    private final ScheduledExecutorService poller;
    private volatile ServiceRegistration<ContainerRuntimeInfo> infoRegistration;

    @Activate
    public CriRuntimeComponent(BundleContext context, @Reference EdgeNode node, Config config) {
        CriSettings settings = CriSettings.of(config, node.dataDirectory());
        if (settings.planDirectory() == null) {
            PodsFirstPlan.removeAll(PodsFirstPlan.defaultDirectory());
        }
        this.client = new CriClient(settings.endpoint(), settings.timeoutMillis());
        this.runtime = new CriPodRuntime(client, settings);
        this.info = new CriRuntimeInfo(client);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "karedge-cri-status");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(() -> poll(context), 0, settings.statusIntervalMillis(), TimeUnit.MILLISECONDS);
        LOG.info("CRI runtime on {} (logs in {})", settings.endpoint(), settings.logDirectory());
    }

    private void poll(BundleContext context) {
        boolean answered = info.refresh();
        runtime.runtimeName(info.runtimeName());
        if (answered && infoRegistration == null) {
            synchronized (this) {
                if (infoRegistration == null && !poller.isShutdown()) {
                    infoRegistration = context.registerService(ContainerRuntimeInfo.class, info, new Hashtable<>());
                    LOG.info("Container runtime {} answers (ready: {})", info.runtimeVersion(), info.ready());
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        poller.shutdownNow();
        synchronized (this) {
            if (infoRegistration != null) {
                try {
                    infoRegistration.unregister();
                } catch (IllegalStateException e) {
                    LOG.debug("Runtime info already unregistered");
                }
                infoRegistration = null;
            }
        }
        client.close();
    }

    @Override
    public io.karedge.pod.SandboxInfo syncSandbox(io.karedge.pod.PodDescriptor pod)
            throws io.karedge.pod.PodRuntimeException {
        return runtime.syncSandbox(pod);
    }

    @Override
    public String startContainer(io.karedge.pod.PodDescriptor pod, io.karedge.pod.SandboxInfo sandbox,
                                 io.karedge.pod.ContainerDescriptor container, int attempt)
            throws io.karedge.pod.PodRuntimeException {
        return runtime.startContainer(pod, sandbox, container, attempt);
    }

    @Override
    public io.karedge.pod.PodObservation status(io.karedge.pod.PodRef pod) throws io.karedge.pod.PodRuntimeException {
        return runtime.status(pod);
    }

    @Override
    public io.karedge.pod.PodObservation kill(io.karedge.pod.PodRef pod, java.time.Duration gracePeriod)
            throws io.karedge.pod.PodRuntimeException {
        return runtime.kill(pod, gracePeriod);
    }

    @Override
    public java.util.List<io.karedge.pod.PodObservation> list() throws io.karedge.pod.PodRuntimeException {
        return runtime.list();
    }

    @Override
    public io.karedge.pod.LogChunk readLog(io.karedge.pod.PodRef pod, String container, boolean previous, long offset,
                                           int maxBytes) throws io.karedge.pod.PodRuntimeException {
        return runtime.readLog(pod, container, previous, offset, maxBytes);
    }

    @Override
    public java.net.URI streamUrl(io.karedge.pod.PodRef pod, String container, io.karedge.pod.StreamRequest request)
            throws io.karedge.pod.PodRuntimeException {
        return runtime.streamUrl(pod, container, request);
    }

    @Override
    public java.util.List<io.karedge.pod.ContainerUsage> usage() throws io.karedge.pod.PodRuntimeException {
        return runtime.usage();
    }
}
