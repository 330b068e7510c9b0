package io.karedge.runtime.cri.internal;

import java.nio.file.Path;

/**
 * The CRI runtime's settings.
 *
 * @param endpoint        the runtime's unix socket
 * @param timeoutMillis   deadline of an ordinary call
 * @param pullTimeoutMillis deadline of an image pull
 * @param logDirectory    where container logs are written (one directory per pod)
 * @param statusIntervalMillis how often version, status and images are read for the node status
 * @param runtimeHandler  the CRI runtime handler to ask for, empty for the runtime's default
 * @param planDirectory   where the restore plan of the pods-first launcher goes ({@code <karaf.data>/pods-first}),
 *                        or {@code null} when pods-first is off
 */
record CriSettings(String endpoint, long timeoutMillis, long pullTimeoutMillis, Path logDirectory,
                   long statusIntervalMillis, String runtimeHandler, Path planDirectory) {

    CriSettings(String endpoint, long timeoutMillis, long pullTimeoutMillis, Path logDirectory,
                long statusIntervalMillis, String runtimeHandler) {
        this(endpoint, timeoutMillis, pullTimeoutMillis, logDirectory, statusIntervalMillis, runtimeHandler, null);
    }

    CriSettings {
        endpoint = endpoint.startsWith("unix://") ? endpoint.substring("unix://".length()) : endpoint;
        timeoutMillis = Math.max(100, timeoutMillis);
        pullTimeoutMillis = Math.max(timeoutMillis, pullTimeoutMillis);
        statusIntervalMillis = Math.max(100, statusIntervalMillis);
        runtimeHandler = runtimeHandler == null ? "" : runtimeHandler;
    }

    static CriSettings of(CriRuntimeComponent.Config config, Path dataDirectory) {
        String logs = config.log_directory();
        Path logDirectory = logs == null || logs.isBlank() ? dataDirectory.resolve("pod-logs")
                : dataDirectory.resolve(logs);
        return new CriSettings(config.endpoint(), config.timeout_ms(), config.pull_timeout_ms(), logDirectory,
                config.status_interval_ms(), config.runtime_handler(),
                config.pods_first() ? PodsFirstPlan.defaultDirectory() : null);
    }
}
