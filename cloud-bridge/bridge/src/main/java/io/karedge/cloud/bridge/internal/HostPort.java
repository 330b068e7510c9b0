package io.karedge.cloud.bridge.internal;

/**
 * A {@code host:port} address as operators write it ({@code 10.0.0.5:10000}, {@code cloud.example:10000},
 * {@code [fd00::1]:10000}).
 */
public record HostPort(String host, int port) {

    public static HostPort parse(String text, int defaultPort) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the address is empty");
        }
        String value = text.trim();
        if (value.contains("://")) {
            throw new IllegalArgumentException("give host:port without a scheme, not " + value);
        }
        String host;
        String port = null;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("unclosed [ in " + value);
            }
            host = value.substring(1, end);
            if (end + 1 < value.length()) {
                if (value.charAt(end + 1) != ':') {
                    throw new IllegalArgumentException("expected :port after ] in " + value);
                }
                port = value.substring(end + 2);
            }
        } else {
            int colon = value.lastIndexOf(':');
            if (colon >= 0 && value.indexOf(':') != colon) {
                throw new IllegalArgumentException("write an IPv6 address in brackets: [" + value + "]:port");
            }
            host = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("no host in " + value);
        }
        int number = defaultPort;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port in " + value + " is not a number");
            }
        }
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("the port in " + value + " is out of range");
        }
        return new HostPort(host, number);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
