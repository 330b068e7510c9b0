package io.karedge.shell.internal;

import io.karedge.mesh.DnsStatus;
import io.karedge.mesh.MeshEndpoint;
import io.karedge.mesh.MeshPeer;
import io.karedge.mesh.MeshPort;
import io.karedge.mesh.MeshService;
import io.karedge.mesh.Resolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text for {@code edge:services}, {@code edge:mesh peers} and {@code edge:resolve}. */
final class MeshFormatter {

    private MeshFormatter() {
    }

    /** One row per Service port, then one indented row per endpoint; the DNS line last. */
    static String services(List<MeshService> services, DnsStatus dns) {
        TextTable table = new TextTable(List.of("SERVICE", "PORT", "ADDRESS", "POLICY", "CONNS", "ENDPOINTS"));
        for (MeshService service : services) {
            for (MeshPort port : service.ports()) {
                String where = port.listening() ? service.address() + ":" + port.port()
                        : service.address() + ":" + port.port() + " (NOT listening: " + port.error() + ")";
                table.row(List.of(service.namespace() + "/" + service.name(),
                        port.port() + "/" + port.protocol() + (port.name().isEmpty() ? "" : " (" + port.name() + ")"),
                        where, service.policy() + (MeshPort.KERNEL.equals(port.dataPath()) ? " (kernel)" : ""),
                        MeshPort.KERNEL.equals(port.dataPath()) ? "-" : Integer.toString(port.connections()),
                        endpoints(port.endpoints())));
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(table.isEmpty() ? "No proxied services\n" : table.render());
        if (dns != null) {
            out.append('\n').append(dns(dns));
        }
        return out.toString();
    }

    private static String endpoints(List<MeshEndpoint> endpoints) {
        if (endpoints.isEmpty()) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        for (MeshEndpoint endpoint : endpoints) {
            String state = endpoint.healthy() ? "ok" : "EJECTED x" + endpoint.failures();
            parts.add(String.format(Locale.ROOT, "%s:%d %s %d conns%s", endpoint.ip(), endpoint.port(), state,
                    endpoint.openConnections(), "hostNetworkPod".equals(endpoint.source()) ? " (host pod)" : ""));
        }
        return String.join(", ", parts);
    }

    /** One row per peer node: its path, round trip, streams and bytes, or why this node's link is down. */
    static String peers(List<MeshPeer> peers) {
        if (peers.isEmpty()) {
            return "No tunnel peers (the tunnel is off, or no node has endpoints here)\n";
        }
        TextTable table = new TextTable(List.of("PEER", "PATH", "RTT", "STREAMS", "BYTES IN", "BYTES OUT", "STATE"));
        for (MeshPeer peer : peers) {
            String rtt = peer.rttMicros() < 0 ? "-"
                    : String.format(Locale.ROOT, "%.1f ms", peer.rttMicros() / 1000.0);
            String state = peer.connected() ? "connected" : peer.error().isEmpty() ? "not connected" : peer.error();
            table.row(List.of(peer.node(), peer.path(), rtt, Integer.toString(peer.streams()),
                    Long.toString(peer.bytesIn()), Long.toString(peer.bytesOut()), state));
        }
        return table.render();
    }

    static String dns(DnsStatus dns) {
        if (!dns.enabled()) {
            return "DNS: disabled\n";
        }
        return String.format(Locale.ROOT, "DNS: udp %s %s; upstream %s; queries %d, answered %d, NXDOMAIN %d, "
                        + "forwarded %d, refused %d, upstream failures %d, malformed %d%n",
                dns.address(), dns.listening() ? "listening" : "NOT listening (" + dns.error() + ")",
                dns.upstreams().isEmpty() ? "none" : String.join(", ", dns.upstreams()), dns.queries(), dns.answered(),
                dns.nxdomain(), dns.forwarded(), dns.refused(), dns.upstreamFailures(), dns.malformed());
    }

    static String resolution(Resolution resolution) {
        if (resolution.found()) {
            return String.format(Locale.ROOT, "%s -> %s  (service %s/%s; %s)%n", resolution.name(),
                    resolution.address(), resolution.namespace(), resolution.service(), resolution.detail());
        }
        return String.format(Locale.ROOT, "%s: not resolved (%s)%n", resolution.name(), resolution.detail());
    }
}
