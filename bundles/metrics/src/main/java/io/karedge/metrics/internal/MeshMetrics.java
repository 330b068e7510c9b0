package io.karedge.metrics.internal;

import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPeer;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.MeshStatus;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The mesh proxy: open connections and relayed bytes per Service port, endpoint health and connections, DNS
 * answers.
 */
@Component(service = NodeCollector.class, property = "karedge.optional.part=mesh proxy")
public class MeshMetrics implements NodeCollector {

    private final MeshStatus mesh;

    @Activate
    public MeshMetrics(@Reference(name = "meshStatus") MeshStatus mesh) {
        this.mesh = mesh;
    }

    @Override
    public void collect(MetricFamilies families) {
        List<MeshService> services = mesh.services();
        families.gauge("karedge_mesh_services", "Services the mesh proxies").add(services.size()).done();
        MetricFamilies.Gauge connections = families.gauge("karedge_mesh_connections",
                "Open client connections (TCP) or sessions (UDP) per Service port");
        MetricFamilies.Gauge healthy = families.gauge("karedge_mesh_endpoint_healthy",
                "1 while an endpoint takes connections, 0 while it is ejected");
        MetricFamilies.Counter opened = families.counter("karedge_mesh_endpoint_connections",
                "Connections relayed to an endpoint");
        MetricFamilies.Counter bytes = families.counter("karedge_mesh_bytes",
                "Bytes the proxy relayed per Service port: direction in from clients to endpoints, out back to"
                        + " clients (bytes the kernel forwards or splices are not seen)");
        for (MeshService service : services) {
            for (MeshPort port : service.ports()) {
                String portName = port.name() == null || port.name().isEmpty()
                        ? Integer.toString(port.port()) : port.name();
                connections.add(port.connections(), "namespace", service.namespace(), "service", service.name(),
                        "port", portName, "protocol", port.protocol());
                bytes.add(port.bytesIn(), "namespace", service.namespace(), "service", service.name(),
                        "port", portName, "protocol", port.protocol(), "direction", "in");
                bytes.add(port.bytesOut(), "namespace", service.namespace(), "service", service.name(),
                        "port", portName, "protocol", port.protocol(), "direction", "out");
                for (MeshEndpoint endpoint : port.endpoints()) {
                    String[] labels = {"namespace", service.namespace(), "service", service.name(), "port", portName,
                        "endpoint", endpoint.ip() + ":" + endpoint.port()};
                    healthy.add(endpoint.healthy() ? 1 : 0, labels);
                    opened.add(endpoint.totalConnections(), labels);
                }
            }
        }
        connections.done();
        bytes.done();
        healthy.done();
        opened.done();
        List<MeshPeer> peers = mesh.peers();
        if (!peers.isEmpty()) {
            MetricFamilies.Gauge up = families.gauge("karedge_mesh_peer_up",
                    "1 while a tunnel connection with the peer node is ready");
            MetricFamilies.Gauge relayed = families.gauge("karedge_mesh_peer_relayed",
                    "1 while new streams to the peer node go through a relay");
            MetricFamilies.Gauge rtt = families.gauge("karedge_mesh_peer_rtt_seconds",
                    "Last keepalive round trip over the direct tunnel connection");
            MetricFamilies.Gauge streams = families.gauge("karedge_mesh_peer_streams",
                    "Streams open on the direct tunnel connection");
            MetricFamilies.Counter peerBytes = families.counter("karedge_mesh_peer_bytes",
                    "Stream bytes over the direct tunnel connection: direction in from the peer, out to it");
            for (MeshPeer peer : peers) {
                up.add(peer.connected() ? 1 : 0, "peer", peer.node());
                relayed.add(peer.path().startsWith("relay:") ? 1 : 0, "peer", peer.node());
                if (peer.rttMicros() >= 0) {
                    rtt.add(peer.rttMicros() / 1e6, "peer", peer.node());
                }
                streams.add(peer.streams(), "peer", peer.node());
                peerBytes.add(peer.bytesIn(), "peer", peer.node(), "direction", "in");
                peerBytes.add(peer.bytesOut(), "peer", peer.node(), "direction", "out");
            }
            up.done();
            relayed.done();
            rtt.done();
            streams.done();
            peerBytes.done();
        }
        DnsStatus dns = mesh.dns();
        if (dns.enabled()) {
            families.counter("karedge_mesh_dns_queries", "DNS queries by outcome")
                    .add(dns.answered(), "result", "answered")
                    .add(dns.nxdomain(), "result", "nxdomain")
                    .add(dns.forwarded(), "result", "forwarded")
                    .add(dns.refused(), "result", "refused")
                    .add(dns.malformed(), "result", "malformed").done();
            families.counter("karedge_mesh_dns_upstream_failures", "Forwarded queries the upstream did not answer")
                    .add(dns.upstreamFailures()).done();
        }
    }
}
