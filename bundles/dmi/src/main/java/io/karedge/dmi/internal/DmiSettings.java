package io.karedge.dmi.internal;

import java.nio.file.Path;

/**
 * The checked configuration of the DMI server.
 *
 * @param socketPath         the DMI socket the mappers dial
 * @param registryFile       the file that keeps registered mappers across restarts
 * @param dialTimeoutMillis  connect timeout towards a mapper socket
 * @param callTimeoutMillis  deadline of one push to a mapper
 * @param retryInitialMillis first pause before a push that did not reach its mapper is tried again
 * @param retryMaxMillis     longest pause between two tries
 * @param reportTimeoutMillis how long a report waits for the twin engine's answer
 * @param ratePerSecond      requests per second from all mappers together (token refill); 0 = unlimited
 * @param burst              bucket size of the rate limit
 * @param graceMillis        how long after a registration a mapper whose socket cannot be reached yet still
 *                           counts as connecting (the mapper framework opens its socket after registering)
 * @param resendMillis       shortest pause between two pushes of a device whose mapper lags behind, and the first
 *                           pause between two pushes of a device whose reported value drifted
 * @param resendMaxMillis    longest pause between two pushes of a device whose reported value keeps drifting
 * @param enforceDesired     whether a device whose mapper reports another value than the accepted desired one it
 *                           holds is pushed again ({@code desired.enforce})
 */
record DmiSettings(Path socketPath, Path registryFile, int dialTimeoutMillis, long callTimeoutMillis,
                   long retryInitialMillis, long retryMaxMillis, long reportTimeoutMillis, double ratePerSecond,
                   int burst, long graceMillis, long resendMillis, long resendMaxMillis, boolean enforceDesired) {

    DmiSettings {
        resendMillis = Math.max(1, resendMillis);
        resendMaxMillis = Math.max(resendMillis, resendMaxMillis);
    }

    /** Settings with the default resend pauses (5 s, up to 60 s) and enforcement on. */
    DmiSettings(Path socketPath, Path registryFile, int dialTimeoutMillis, long callTimeoutMillis,
                long retryInitialMillis, long retryMaxMillis, long reportTimeoutMillis, double ratePerSecond,
                int burst, long graceMillis) {
        this(socketPath, registryFile, dialTimeoutMillis, callTimeoutMillis, retryInitialMillis, retryMaxMillis,
                reportTimeoutMillis, ratePerSecond, burst, graceMillis, DeviceCatalog.RESEND_MILLIS, 60_000, true);
    }

    static final String SOCKET_NAME = "dmi.sock";
    static final String REGISTRY_NAME = "dmi-mappers.json";

    static DmiSettings of(DmiComponent.Config config, Path dataDirectory) {
        Path socket = blank(config.socket_path()) ? dataDirectory.resolve(SOCKET_NAME) : socketPath(config.socket_path());
        Path registry = blank(config.registry_file()) ? dataDirectory.resolve(REGISTRY_NAME)
                : Path.of(config.registry_file().trim());
        return new DmiSettings(socket.toAbsolutePath(), registry.toAbsolutePath(),
                (int) clamp(config.mapper_dial_timeout_ms(), 1, Integer.MAX_VALUE),
                clamp(config.mapper_call_timeout_ms(), 1, Long.MAX_VALUE),
                clamp(config.mapper_retry_initial_ms(), 1, Long.MAX_VALUE),
                clamp(config.mapper_retry_max_ms(), 1, Long.MAX_VALUE),
                clamp(config.report_timeout_ms(), 1, Long.MAX_VALUE),
                Math.max(0, config.report_rate_per_second()),
                (int) clamp(config.report_burst(), 1, Integer.MAX_VALUE),
                clamp(config.mapper_register_grace_ms(), 0, Long.MAX_VALUE),
                clamp(config.mapper_resend_ms(), 1, Long.MAX_VALUE),
                clamp(config.mapper_resend_max_ms(), 1, Long.MAX_VALUE), config.desired_enforce());
    }

    /**
     * A configured socket path: a value ending in {@code .sock} is the socket itself; any other value is a
     * directory that gets {@value #SOCKET_NAME} (as KubeEdge v1.23 reads {@code dmiSockPath}).
     */
    static Path socketPath(String configured) {
        Path path = Path.of(configured.trim());
        return configured.trim().endsWith(".sock") ? path : path.resolve(SOCKET_NAME);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
