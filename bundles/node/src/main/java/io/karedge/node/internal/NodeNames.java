package io.karedge.node.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Derives a Kubernetes-valid node name (a DNS-1123 subdomain) from the machine's host name. */
final class NodeNames {

    private static final int MAX_LENGTH = 253;

    private NodeNames() {
    }

    static String fromHost() {
        return sanitize(hostName());
    }

    /** @return whether the name is a DNS-1123 subdomain, as Kubernetes wants node names */
    static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    }

    /** Lower-cases and replaces what DNS-1123 does not allow; never returns an empty name. */
    static String sanitize(String raw) {
        String lower = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        String cleaned = lower.replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+", "")
                .replaceAll("[^a-z0-9]+$", "");
        if (cleaned.length() > MAX_LENGTH) {
            cleaned = cleaned.substring(0, MAX_LENGTH).replaceAll("[^a-z0-9]+$", "");
        }
        return cleaned.isEmpty() ? "karedge-node" : cleaned;
    }

    private static String hostName() {
        // /etc/hostname first: it needs no name resolution, which may hang on a node with no network
        try {
            Path etcHostname = Path.of("/etc/hostname");
            if (Files.isReadable(etcHostname)) {
                String name = Files.readString(etcHostname, StandardCharsets.UTF_8).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | SecurityException ignored) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }
}
