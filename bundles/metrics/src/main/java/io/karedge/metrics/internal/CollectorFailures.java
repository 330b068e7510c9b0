package io.karedge.metrics.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a collector's failure once per collector and message, so a broken part does not flood the log. */
final class CollectorFailures {

    private static final Logger LOG = LoggerFactory.getLogger(CollectorFailures.class);
    private static final int MAX_REMEMBERED = 256;
    private static final Map<String, Boolean> REPORTED = new ConcurrentHashMap<>();

    private CollectorFailures() {
    }

    static void report(Class<?> collector, RuntimeException failure) {
        String key = collector.getSimpleName() + ": " + failure;
        if (REPORTED.size() < MAX_REMEMBERED && REPORTED.putIfAbsent(key, Boolean.TRUE) == null) {
            LOG.warn("Metrics of {} left out of the scrape: {}", collector.getSimpleName(), failure.toString());
        }
    }
}
