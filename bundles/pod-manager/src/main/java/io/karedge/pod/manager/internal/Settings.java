package io.karedge.pod.manager.internal;

/**
 * The pod manager's settings, read from {@link PodManagerComponent.Config} and clamped to sane values.
 *
 * @param backoffInitialMillis first crash or image-pull back-off (kubelet: 10 s)
 * @param backoffMaxMillis     longest back-off (kubelet: 5 min)
 * @param syncPeriodMillis     how often each pod is compared with what its runtime runs
 * @param threads              threads of the pod manager's scheduler
 * @param watchRetryMillis     pause before listing again after a watch closed
 * @param hostIp               the node address reported as hostIP, empty to detect it
 * @param reportLocalPods      whether pods not written by the cloud are reported upstream too
 * @param podsFirst            whether each pod's origin is recorded for the pods-first launcher
 * @param manifestDirectory    the manifest source's directory ({@code ${karaf.etc}} expanded later)
 * @param runtimeWaitMillis    how long after the manager started, or after a runtime went, a pod whose runtime
 *                             class is not served keeps its status instead of turning {@code RuntimeClassNotFound}
 */
record Settings(long backoffInitialMillis, long backoffMaxMillis, long syncPeriodMillis, int threads,
                long watchRetryMillis, String hostIp, boolean reportLocalPods, boolean podsFirst,
                String manifestDirectory, long runtimeWaitMillis) {

    Settings(long backoffInitialMillis, long backoffMaxMillis, long syncPeriodMillis, int threads,
             long watchRetryMillis, String hostIp, boolean reportLocalPods) {
        this(backoffInitialMillis, backoffMaxMillis, syncPeriodMillis, threads, watchRetryMillis, hostIp,
                reportLocalPods, false, "", 0);
    }

    Settings {
        backoffInitialMillis = Math.max(1, backoffInitialMillis);
        backoffMaxMillis = Math.max(backoffInitialMillis, backoffMaxMillis);
        syncPeriodMillis = Math.max(10, syncPeriodMillis);
        threads = Math.max(1, threads);
        watchRetryMillis = Math.max(10, watchRetryMillis);
        hostIp = hostIp == null ? "" : hostIp.trim();
        runtimeWaitMillis = Math.max(0, runtimeWaitMillis);
    }

    static Settings defaults() {
        return new Settings(10_000, 300_000, 2_000, 2, 1_000, "", false);
    }

    static Settings of(PodManagerComponent.Config config) {
        return new Settings(config.backoff_initial_ms(), config.backoff_max_ms(), config.sync_period_ms(),
                config.threads(), config.watch_retry_ms(), config.host_ip(), config.report_local_pods(),
                config.pods_first(), config.manifest_directory(), config.runtime_wait_ms());
    }

    Settings withBackoff(long initial, long max) {
        return new Settings(initial, max, syncPeriodMillis, threads, watchRetryMillis, hostIp, reportLocalPods,
                podsFirst, manifestDirectory, runtimeWaitMillis);
    }

    Settings withSyncPeriod(long millis) {
        return new Settings(backoffInitialMillis, backoffMaxMillis, millis, threads, watchRetryMillis, hostIp,
                reportLocalPods, podsFirst, manifestDirectory, runtimeWaitMillis);
    }

    Settings withReportLocalPods(boolean report) {
        return new Settings(backoffInitialMillis, backoffMaxMillis, syncPeriodMillis, threads, watchRetryMillis,
                hostIp, report, podsFirst, manifestDirectory, runtimeWaitMillis);
    }

    Settings withManifestDirectory(String directory) {
        return new Settings(backoffInitialMillis, backoffMaxMillis, syncPeriodMillis, threads, watchRetryMillis,
                hostIp, reportLocalPods, podsFirst, directory, runtimeWaitMillis);
    }

    Settings withRuntimeWait(long millis) {
        return new Settings(backoffInitialMillis, backoffMaxMillis, syncPeriodMillis, threads, watchRetryMillis,
                hostIp, reportLocalPods, podsFirst, manifestDirectory, millis);
    }
}
