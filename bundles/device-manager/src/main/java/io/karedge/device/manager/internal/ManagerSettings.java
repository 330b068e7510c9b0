package io.karedge.device.manager.internal;

/**
 * The device manager's settings, read from {@link DeviceManagerComponent.Config} and clamped to sane
 * values.
 */
record ManagerSettings(long defaultCollectCycleMillis, long defaultReportCycleMillis, long readTimeoutMillis,
                       long writeTimeoutMillis, long closeTimeoutMillis, int threads, int maxHungThreads,
                       long watchRetryMillis) {

    ManagerSettings {
        defaultCollectCycleMillis = Math.max(10, defaultCollectCycleMillis);
        defaultReportCycleMillis = Math.max(10, defaultReportCycleMillis);
        readTimeoutMillis = Math.max(10, readTimeoutMillis);
        writeTimeoutMillis = Math.max(10, writeTimeoutMillis);
        closeTimeoutMillis = Math.max(10, closeTimeoutMillis);
        threads = Math.max(1, threads);
        maxHungThreads = Math.max(0, maxHungThreads);
        watchRetryMillis = Math.max(10, watchRetryMillis);
    }

    static ManagerSettings defaults() {
        return new ManagerSettings(1000, 1000, 5000, 5000, 2000, 2, 8, 1000);
    }

    static ManagerSettings of(DeviceManagerComponent.Config config) {
        return new ManagerSettings(config.default_collect_cycle_ms(), config.default_report_cycle_ms(),
                config.read_timeout_ms(), config.write_timeout_ms(), config.close_timeout_ms(), config.threads(),
                config.max_hung_threads(), config.watch_retry_ms());
    }

    ManagerSettings withTimeouts(long read, long close) {
        return new ManagerSettings(defaultCollectCycleMillis, defaultReportCycleMillis, read, read, close, threads,
                maxHungThreads, watchRetryMillis);
    }

    long collectCycle(Long configured) {
        return configured == null || configured <= 0 ? defaultCollectCycleMillis : configured;
    }

    long reportCycle(Long configured) {
        return configured == null || configured <= 0 ? defaultReportCycleMillis : configured;
    }
}
