package io.karedge.mesh.proxy.internal;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Upstream DNS servers: from configuration ({@code host[:port]}) or from {@code nameserver} lines. */
final class ResolvConf {

    private ResolvConf() {
    }

    /** @return the nameservers of a resolv.conf file, port 53; empty if it cannot be read */
    static List<InetSocketAddress> nameservers(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 2 && "nameserver".equals(words[0])) {
                String host = words[1];
                int scope = host.indexOf('%');
                parse(scope >= 0 ? host.substring(0, scope) : host, 53).ifPresent(servers::add);
            }
        }
        return servers;
    }

    /** @return {@code ip}, {@code ip:port}, {@code [v6]:port} or a bare IPv6 literal as an address */
    static List<InetSocketAddress> parseAll(List<String> values) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String value : values) {
            String text = value.trim();
            int port = 53;
            String host = text;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                host = close > 0 ? text.substring(1, close) : text;
                if (close > 0 && text.length() > close + 2 && text.charAt(close + 1) == ':') {
                    port = Integer.parseInt(text.substring(close + 2));
                }
            } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
                host = text.substring(0, text.indexOf(':'));
                port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
            }
            parse(host, port).ifPresentOrElse(servers::add, () -> {
                throw new IllegalArgumentException("dns.upstream: not an IP address: " + value);
            });
        }
        return servers;
    }

    private static java.util.Optional<InetSocketAddress> parse(String host, int port) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null || port <= 0 || port > 65535) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new InetSocketAddress(InetAddress.getByAddress(bytes), port));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }
}
