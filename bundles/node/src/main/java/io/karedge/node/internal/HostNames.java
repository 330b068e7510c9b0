package io.karedge.node.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code Host} and {@code Origin} checks: loopback names and addresses, and the configured names. */
final class HostNames {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final Set<String> configured;

    HostNames(Set<String> configured) {
        this.configured = configured;
    }

    boolean hostAllowed(String host) {
        if (host == null) {
            return true;
        }
        String name = stripPort(host.trim()).toLowerCase(Locale.ROOT);
        return allowedName(name);
    }

    boolean originAllowed(String origin) {
        if (origin == null) {
            return true;
        }
        try {
            URI uri = new URI(origin.trim());
            String host = uri.getHost();
            if (host == null || (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))) {
                return false;
            }
            return allowedName(host.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private boolean allowedName(String name) {
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.equals("localhost") || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")
                || IPV4_LOOPBACK.matcher(name).matches() || configured.contains(name);
    }

    /** {@code name:port}, {@code [v6]:port} or a bare name; an IPv6 address without brackets is left whole. */
    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        if (colon >= 0 && host.indexOf(':', colon + 1) < 0) {
            return host.substring(0, colon);
        }
        return host;
    }
}
