package io.karedge.mesh.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where another node's tunnel is dialled, read from its Node object: the address in its
 * {@value TunnelSettings#ADDRESS_ANNOTATION} annotation, then those in {@value TunnelSettings#ADDRESSES_ANNOTATION}
 * in their order, then its {@code status.addresses} (InternalIP, then ExternalIP), without duplicates, all on the
 * port of its {@value TunnelSettings#PORT_ANNOTATION} annotation (else this node's port).
 *
 * <p>The annotations are another node's word: an entry that is not an IP literal (IPv4 dotted quad or IPv6,
 * brackets allowed, no zone), or is a wildcard or multicast address, is left out, and only the first
 * {@value HostAddresses#MAX} entries are taken. Either is logged once per node and annotation value. Used on the
 * mesh's control thread only.
 */
final class PeerAddresses {

    private static final Logger LOG = LoggerFactory.getLogger(PeerAddresses.class);

    private final int defaultPort;
    /** per node, the annotation values a problem was logged for (logged again only when they change) */
    private final Map<String, String> logged = new HashMap<>();

    private final Consumer<String> warn;

    /** @param defaultPort the port of a node that publishes none (this node's tunnel port) */
    PeerAddresses(int defaultPort) {
        this(defaultPort, LOG::warn);
    }

    /** @param warn where the one line about a node's ignored entries goes */
    PeerAddresses(int defaultPort, Consumer<String> warn) {
        this.defaultPort = defaultPort;
        this.warn = warn;
    }

    /** @return the addresses to dial {@code node}'s tunnel at, in order; empty for a null node */
    List<InetSocketAddress> of(JsonNode node) {
        List<InetSocketAddress> result = new ArrayList<>();
        if (node == null) {
            return result;
        }
        String name = node.path("metadata").path("name").asText("");
        JsonNode annotations = node.path("metadata").path("annotations");
        int port = annotations.path(TunnelSettings.PORT_ANNOTATION).asInt(defaultPort);
        if (port <= 0 || port > 65535) {
            port = defaultPort;
        }
        String single = annotations.path(TunnelSettings.ADDRESS_ANNOTATION).asText("");
        String list = annotations.path(TunnelSettings.ADDRESSES_ANNOTATION).asText("");
        List<String> problems = new ArrayList<>();
        List<String> published = new ArrayList<>(parse(TunnelSettings.ADDRESS_ANNOTATION, single, 1, problems));
        published.addAll(parse(TunnelSettings.ADDRESSES_ANNOTATION, list, HostAddresses.MAX, problems));
        report(name, single + "|" + list, problems);
        for (String host : published) {
            add(result, InetSocketAddress.createUnresolved(host, port));
        }
        for (String type : List.of("InternalIP", "ExternalIP")) {
            for (JsonNode address : node.path("status").path("addresses")) {
                String value = address.path("address").asText("");
                if (type.equals(address.path("type").asText()) && !value.isEmpty()) {
                    add(result, InetSocketAddress.createUnresolved(value, port));
                }
            }
        }
        return result;
    }

    private static void add(List<InetSocketAddress> result, InetSocketAddress candidate) {
        if (!result.contains(candidate)) {
            result.add(candidate);
        }
    }

    /**
     * @param max      the most entries taken; more are left out
     * @param problems where what was left out, and why, is added
     * @return the good entries of a comma-separated annotation value, as IP literals without brackets
     */
    static List<String> parse(String annotation, String value, int max, List<String> problems) {
        List<String> hosts = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return hosts;
        }
        String[] entries = value.split(",", -1);
        int taken = 0;
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (taken == max) {
                problems.add(annotation + ": more than " + max + " entries, the rest ignored");
                break;
            }
            taken++;
            String host = literal(entry);
            if (host == null) {
                problems.add(annotation + ": '" + abbreviated(entry) + "' is not an IP address one can dial");
            } else if (!hosts.contains(host)) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    /** @return the IP literal an entry names (brackets removed), or null when it is no usable one */
    static String literal(String entry) {
        String host = entry.startsWith("[") && entry.endsWith("]") ? entry.substring(1, entry.length() - 1) : entry;
        if (host.isEmpty() || host.length() > 45 || host.indexOf('%') >= 0) {
            return null;
        }
        byte[] bytes;
        if (NetUtil.isValidIpV4Address(host) && host.chars().filter(c -> c == '.').count() == 3) {
            bytes = NetUtil.createByteArrayFromIpAddressString(host);
        } else if (host.indexOf(':') >= 0 && NetUtil.isValidIpV6Address(host)) {
            bytes = NetUtil.createByteArrayFromIpAddressString(host);
        } else {
            return null;
        }
        if (bytes == null || allZero(bytes) || multicast(bytes)) {
            return null;
        }
        return host;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean multicast(byte[] bytes) {
        return bytes.length == 4 ? (bytes[0] & 0xf0) == 0xe0 : (bytes[0] & 0xff) == 0xff;
    }

    private static String abbreviated(String entry) {
        return entry.length() <= 64 ? entry : entry.substring(0, 64) + "...";
    }

    private void report(String node, String values, List<String> problems) {
        if (problems.isEmpty()) {
            logged.remove(node);
            return;
        }
        if (!values.equals(logged.put(node, values))) {
            warn.accept("Tunnel addresses published by node " + node + " partly ignored: " + String.join("; ", problems));
        }
    }
}
