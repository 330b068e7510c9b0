package io.karedge.device.manager.internal;

/**
 * The device manager's settings, read from {@link DeviceManagerComponent.Config} and clamped to sane
 * values.
 */
record ManagerSettings(long defaultCollectCycleMillis, long defaultReportCycleMillis, long readTimeoutMillis,
                       long writeTimeoutMillis, long closeTimeoutMillis, int threads, int maxHungThreads,
                       long watchRetryMillis, long twinWaitMillis, boolean enforceDesired,
                       long enforcePauseMaxMillis) {

    ManagerSettings {
        defaultCollectCycleMillis = Math.max(10, defaultCollectCycleMillis);
        defaultReportCycleMillis = Math.max(10, defaultReportCycleMillis);
        readTimeoutMillis = Math.max(10, readTimeoutMillis);
        writeTimeoutMillis = Math.max(10, writeTimeoutMillis);
        closeTimeoutMillis = Math.max(10, closeTimeoutMillis);
        threads = Math.max(1, threads);
        maxHungThreads = Math.max(0, maxHungThreads);
        watchRetryMillis = Math.max(10, watchRetryMillis);
        twinWaitMillis = Math.max(0, twinWaitMillis);
        enforcePauseMaxMillis = Math.max(10, enforcePauseMaxMillis);
    }

    static ManagerSettings defaults() {
        return new ManagerSettings(1000, 1000, 5000, 5000, 2000, 2, 8, 1000, 10_000, true, 60_000);
    }

    static ManagerSettings of(DeviceManagerComponent.Config config) {
        return new ManagerSettings(config.default_collect_cycle_ms(), config.default_report_cycle_ms(),
                config.read_timeout_ms(), config.write_timeout_ms(), config.close_timeout_ms(), config.threads(),
                config.max_hung_threads(), config.watch_retry_ms(), config.twin_wait_ms(), config.desired_enforce(),
                config.desired_enforce_pause_max_ms());
    }

    ManagerSettings withTimeouts(long read, long close) {
        return new ManagerSettings(defaultCollectCycleMillis, defaultReportCycleMillis, read, read, close, threads,
                maxHungThreads, watchRetryMillis, twinWaitMillis, enforceDesired, enforcePauseMaxMillis);
    }

    ManagerSettings withTwinWait(long millis) {
        return new ManagerSettings(defaultCollectCycleMillis, defaultReportCycleMillis, readTimeoutMillis,
                writeTimeoutMillis, closeTimeoutMillis, threads, maxHungThreads, watchRetryMillis, millis,
                enforceDesired, enforcePauseMaxMillis);
    }

    /** @param enforce whether a drifted value is written again; {@code pauseMax} the longest pause between two */
    ManagerSettings withEnforcement(boolean enforce, long pauseMax) {
        return new ManagerSettings(defaultCollectCycleMillis, defaultReportCycleMillis, readTimeoutMillis,
                writeTimeoutMillis, closeTimeoutMillis, threads, maxHungThreads, watchRetryMillis, twinWaitMillis,
                enforce, pauseMax);
    }

    /** The first pause after a rewrite of a drifted value: 1 s, or the longest pause when that is shorter. */
    long enforcePauseMinMillis() {
        return Math.min(1000, enforcePauseMaxMillis);
    }

    long collectCycle(Long configured) {
        return configured == null || configured <= 0 ? defaultCollectCycleMillis : configured;
    }

    long reportCycle(Long configured) {
        return configured == null || configured <= 0 ? defaultReportCycleMillis : configured;
    }
}
