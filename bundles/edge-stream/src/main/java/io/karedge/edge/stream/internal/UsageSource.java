package io.karedge.edge.stream.internal;

import io.karedge.edge.stream.internal.NodeUsageReader.NodeUsage;
import io.karedge.pod.PodManagerStatus;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.PodUsage;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the metrics served through the tunnel come from: the node's own counters and the pods' runtimes.
 * A failure is logged once until a different one happens or a reading succeeds again, so that a scraper
 * asking every few seconds of a runtime that is down does not flood the log.
 */
final class UsageSource {

    private static final Logger LOG = LoggerFactory.getLogger(UsageSource.class);

    private final String nodeName;
    private final PodManagerStatus pods;
    private final NodeUsageReader node;
    private final AtomicReference<String> lastNodeFailure = new AtomicReference<>();
    private final AtomicReference<String> lastPodFailure = new AtomicReference<>();

    UsageSource(String nodeName, PodManagerStatus pods, NodeUsageReader node) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.pods = pods;
        this.node = node;
    }

    String nodeName() {
        return nodeName;
    }

    /** @return the node's reading, or {@code null} if its counters cannot be read */
    NodeUsage node() {
        try {
            NodeUsage usage = node.read();
            lastNodeFailure.set(null);
            return usage;
        } catch (IOException | RuntimeException e) {
            String failure = String.valueOf(e.getMessage());
            if (!failure.equals(lastNodeFailure.getAndSet(failure))) {
                LOG.warn("Node CPU and memory are not reported: {}", failure);
            }
            return null;
        }
    }

    /** @throws PodRuntimeException if a runtime cannot be asked (a runtime's own failure is wrapped as one) */
    List<PodUsage> pods() throws PodRuntimeException {
        try {
            List<PodUsage> usage = pods.usage();
            lastPodFailure.set(null);
            return usage;
        } catch (PodRuntimeException e) {
            noteFailure(e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            noteFailure(e.toString());
            throw new PodRuntimeException("Unknown", e.toString());
        }
    }

    private void noteFailure(String failure) {
        if (!String.valueOf(failure).equals(lastPodFailure.getAndSet(String.valueOf(failure)))) {
            LOG.warn("Pod CPU and memory are not reported: {}", failure);
        }
    }
}
