package io.karedge.mesh.proxy.internal;

import java.util.List;

/**
 * The mesh proxy's settings, read from {@link MeshProxyComponent.Config} and clamped to sane values.
 *
 * @param upstreams DNS upstreams as {@code host:port}; empty with {@code dnsForward} means "read
 *                  /etc/resolv.conf"
 */
record MeshSettings(String addressRange, long connectTimeoutMillis, long ejectBaseMillis, long ejectMaxMillis,
                    int ioThreads, boolean nativeTransport, boolean splice, boolean dnsEnabled, String dnsAddress, int dnsPort,
                    String clusterDomain, String defaultNamespace, int dnsTtl, boolean dnsForward,
                    List<String> upstreams, long upstreamTimeoutMillis, long watchRetryMillis,
                    long bindRetryMillis) {

    static final String DEFAULT_RANGE = "127.100.0.0/16";

    MeshSettings {
        connectTimeoutMillis = Math.max(10, connectTimeoutMillis);
        ejectBaseMillis = Math.max(10, ejectBaseMillis);
        ejectMaxMillis = Math.max(ejectBaseMillis, ejectMaxMillis);
        ioThreads = ioThreads <= 0 ? Math.max(1, Runtime.getRuntime().availableProcessors()) : ioThreads;
        dnsPort = Math.max(0, Math.min(65535, dnsPort));
        clusterDomain = trimDots(clusterDomain == null || clusterDomain.isBlank() ? "cluster.local" : clusterDomain);
        defaultNamespace = defaultNamespace == null || defaultNamespace.isBlank() ? "default" : defaultNamespace.trim();
        dnsTtl = Math.max(0, dnsTtl);
        upstreams = upstreams == null ? List.of()
                : upstreams.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        upstreamTimeoutMillis = Math.max(50, upstreamTimeoutMillis);
        watchRetryMillis = Math.max(10, watchRetryMillis);
        bindRetryMillis = Math.max(100, bindRetryMillis);
    }

    static MeshSettings of(MeshProxyComponent.Config config) {
        return new MeshSettings(config.address_range(), config.connect_timeout_ms(), config.eject_base_ms(),
                config.eject_max_ms(), config.io_threads(), config.native_transport(), config.splice(), config.dns_enabled(),
                config.dns_address(), config.dns_port(), config.dns_domain(), config.dns_default_namespace(),
                config.dns_ttl(), config.dns_forward(), split(config.dns_upstream()),
                config.dns_upstream_timeout_ms(), config.watch_retry_ms(), config.bind_retry_ms());
    }

    /**
     * Settings for tests: DNS on 127.0.0.1 with an ephemeral port and forwarding off, so that nothing
     * ever leaves the loopback interface.
     */
    static MeshSettings forTests(String range) {
        return new MeshSettings(range, 1000, 5000, 60000, 2, true, false, true, "127.0.0.1", 0, "cluster.local",
                "default", 5, false, List.of(), 500, 200, 500);
    }

    MeshSettings withUpstreams(List<String> hostPorts) {
        return new MeshSettings(addressRange, connectTimeoutMillis, ejectBaseMillis, ejectMaxMillis, ioThreads,
                nativeTransport, splice, dnsEnabled, dnsAddress, dnsPort, clusterDomain, defaultNamespace, dnsTtl, true,
                hostPorts, upstreamTimeoutMillis, watchRetryMillis, bindRetryMillis);
    }

    MeshSettings withNativeTransport(boolean enabled) {
        return new MeshSettings(addressRange, connectTimeoutMillis, ejectBaseMillis, ejectMaxMillis, ioThreads,
                enabled, splice, dnsEnabled, dnsAddress, dnsPort, clusterDomain, defaultNamespace, dnsTtl, dnsForward,
                upstreams, upstreamTimeoutMillis, watchRetryMillis, bindRetryMillis);
    }

    MeshSettings withSplice(boolean enabled) {
        return new MeshSettings(addressRange, connectTimeoutMillis, ejectBaseMillis, ejectMaxMillis, ioThreads,
                nativeTransport, enabled, dnsEnabled, dnsAddress, dnsPort, clusterDomain, defaultNamespace, dnsTtl,
                dnsForward, upstreams, upstreamTimeoutMillis, watchRetryMillis, bindRetryMillis);
    }

    MeshSettings withEjection(long baseMillis, long maxMillis) {
        return new MeshSettings(addressRange, connectTimeoutMillis, baseMillis, maxMillis, ioThreads,
                nativeTransport, splice, dnsEnabled, dnsAddress, dnsPort, clusterDomain, defaultNamespace, dnsTtl, dnsForward,
                upstreams, upstreamTimeoutMillis, watchRetryMillis, bindRetryMillis);
    }

    MeshSettings withDnsPort(int port) {
        return new MeshSettings(addressRange, connectTimeoutMillis, ejectBaseMillis, ejectMaxMillis, ioThreads,
                nativeTransport, splice, dnsEnabled, dnsAddress, port, clusterDomain, defaultNamespace, dnsTtl, dnsForward,
                upstreams, upstreamTimeoutMillis, watchRetryMillis, bindRetryMillis);
    }

    private static List<String> split(String value) {
        return value == null ? List.of() : List.of(value.split("[,\\s]+"));
    }

    private static String trimDots(String value) {
        String trimmed = value.trim().toLowerCase(java.util.Locale.ROOT);
        while (trimmed.startsWith(".")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
