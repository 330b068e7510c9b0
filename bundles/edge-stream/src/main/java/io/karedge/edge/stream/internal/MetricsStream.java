package io.karedge.edge.stream.internal;

import io.karedge.edge.stream.internal.NodeUsageReader.NodeUsage;
import io.karedge.pod.PodRuntimeException;
import io.karedge.pod.PodUsage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One metrics request through the tunnel ({@code METRIC_CONNECT}): the API server's GET of a kubelet path,
 * answered with the body the kubelet would give, as {@code DATA} messages, then {@code REMOVE_CONNECT}. The
 * cloud has already sent the client its {@code 200} when the request comes down, so every answer, errors
 * included, is body text:
 * <ul>
 *   <li>{@code /metrics/resource}: Prometheus text, see {@link ResourceMetricsText};</li>
 *   <li>{@code /stats/summary}: the summary JSON, see {@link StatsSummaryJson};</li>
 *   <li>any other path: {@code 404 page not found}, as the kubelet's mux answers a path it does not serve.</li>
 * </ul>
 * The work is one reading of the node's counters and one question to each pod runtime (bounded by the
 * runtime's call deadline); the answer grows with the number of running containers only.
 */
final class MetricsStream implements TunnelStream, Runnable {

    static final String RESOURCE_METRICS = "/metrics/resource";
    static final String SUMMARY = "/stats/summary";
    static final String NOT_FOUND = "404 page not found\n";

    private final long connectionId;
    private final ConnectRequest request;
    private final UsageSource usage;
    private final TunnelSender tunnel;
    private volatile boolean stopped;

    MetricsStream(long connectionId, ConnectRequest request, UsageSource usage, TunnelSender tunnel) {
        this.connectionId = connectionId;
        this.request = request;
        this.usage = usage;
        this.tunnel = tunnel;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        try {
            String body = answer();
            send(body.getBytes(StandardCharsets.UTF_8));
        } finally {
            tunnel.send(TunnelMessage.of(connectionId, MessageType.REMOVE_CONNECT, new byte[0]));
        }
    }

    String answer() {
        String path = request.path();
        if (path.equals(RESOURCE_METRICS)) {
            NodeUsage node = usage.node();
            try {
                return ResourceMetricsText.write(node, usage.pods(), null);
            } catch (PodRuntimeException e) {
                return ResourceMetricsText.write(node, List.of(), "failed to get pod stats: " + e.getMessage());
            }
        }
        if (path.equals(SUMMARY)) {
            NodeUsage node = usage.node();
            List<PodUsage> pods;
            try {
                pods = usage.pods();
            } catch (PodRuntimeException e) {
                return "Internal Error: failed to get pod stats: " + e.getMessage() + "\n";
            }
            return StatsSummaryJson.write(usage.nodeName(), node, pods);
        }
        return NOT_FOUND;
    }

    private void send(byte[] body) {
        for (int from = 0; from < body.length && !stopped; from += LogStream.DATA_BYTES) {
            byte[] part = Arrays.copyOfRange(body, from, Math.min(body.length, from + LogStream.DATA_BYTES));
            if (!tunnel.send(TunnelMessage.of(connectionId, MessageType.DATA, part))) {
                return;
            }
        }
    }
}
