package io.karedge.mesh.proxy.internal;

import java.net.InetAddress;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * Which names the mesh answers, and with what. With cluster domain {@code cluster.local} and default
 * namespace {@code default}:
 * <ul>
 * <li>{@code <svc>.<ns>.svc.cluster.local} and {@code <svc>.<ns>.svc}: the Service, or NXDOMAIN;</li>
 * <li>any other name under {@code cluster.local} (and {@code cluster.local} itself): NXDOMAIN;</li>
 * <li>{@code <svc>.<ns>}: the Service if there is one, else not a mesh name (forwarded);</li>
 * <li>{@code <svc>}: the Service in the default namespace if there is one, else not a mesh name.</li>
 * </ul>
 * The asker's namespace is unknown (a DNS query does not carry it), so short names use the default
 * namespace.
 */
final class MeshNames {

    enum Outcome { FOUND, NXDOMAIN, NOT_OURS }

    record Answer(String name, Outcome outcome, String namespace, String service, InetAddress address,
                  String detail) {
    }

    private final String domain;
    private final String defaultNamespace;
    private final BiFunction<String, String, InetAddress> lookup;

    /** @param lookup (namespace, name) to the Service's address, or null */
    MeshNames(String domain, String defaultNamespace, BiFunction<String, String, InetAddress> lookup) {
        this.domain = domain;
        this.defaultNamespace = defaultNamespace;
        this.lookup = lookup;
    }

    static String normalise(String name) {
        String lower = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    Answer resolve(String rawName) {
        String name = normalise(rawName);
        if (name.isEmpty()) {
            return new Answer(name, Outcome.NOT_OURS, "", "", null, "empty name");
        }
        String[] labels = name.split("\\.", -1);
        if (name.equals(domain) || name.endsWith("." + domain)) {
            String inside = name.equals(domain) ? "" : name.substring(0, name.length() - domain.length() - 1);
            String[] parts = inside.split("\\.", -1);
            if (parts.length == 3 && "svc".equals(parts[2])) {
                return lookup(name, parts[1], parts[0], true, "<service>.<namespace>.svc." + domain);
            }
            return new Answer(name, Outcome.NXDOMAIN, "", "", null, "not a service name under " + domain);
        }
        if (labels.length == 3 && "svc".equals(labels[2])) {
            return lookup(name, labels[1], labels[0], true, "<service>.<namespace>.svc");
        }
        if (labels.length == 2) {
            return lookup(name, labels[1], labels[0], false, "<service>.<namespace>");
        }
        if (labels.length == 1) {
            return lookup(name, defaultNamespace, labels[0], false,
                    "<service> in the default namespace " + defaultNamespace);
        }
        return new Answer(name, Outcome.NOT_OURS, "", "", null, "not a mesh name");
    }

    private Answer lookup(String name, String namespace, String service, boolean authoritative, String form) {
        InetAddress address = namespace.isEmpty() || service.isEmpty() ? null : lookup.apply(namespace, service);
        if (address != null) {
            return new Answer(name, Outcome.FOUND, namespace, service, address, form);
        }
        return new Answer(name, authoritative ? Outcome.NXDOMAIN : Outcome.NOT_OURS, "", "", null,
                "no proxied service " + namespace + "/" + service + " (" + form + ")");
    }
}
