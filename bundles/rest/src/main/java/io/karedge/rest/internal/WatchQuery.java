package io.karedge.rest.internal;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The query parameters of list and watch requests, checked: a malformed value is a 400 BadRequest
 * rather than being ignored.
 *
 * @param watch           {@code watch=true}
 * @param resourceVersion where a watch starts; empty for "list first, then watch" (also for {@code 0},
 *                        which Kubernetes reads as "any version")
 * @param timeout         how long a watch stays open
 */
record WatchQuery(boolean watch, OptionalLong resourceVersion, Duration timeout) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(1800);

    static WatchQuery parse(String watch, String resourceVersion, String timeoutSeconds) throws ApiException {
        return new WatchQuery(parseWatch(watch), parseVersion(resourceVersion), parseTimeout(timeoutSeconds));
    }

    private static boolean parseWatch(String value) throws ApiException {
        if (value == null || value.isEmpty() || "false".equalsIgnoreCase(value) || "0".equals(value)) {
            return false;
        }
        if ("true".equalsIgnoreCase(value) || "1".equals(value)) {
            return true;
        }
        throw invalid("watch", value, "must be true or false");
    }

    private static OptionalLong parseVersion(String value) throws ApiException {
        if (value == null || value.isEmpty()) {
            return OptionalLong.empty();
        }
        long version = parseNonNegative("resourceVersion", value);
        return version == 0 ? OptionalLong.empty() : OptionalLong.of(version);
    }

    private static Duration parseTimeout(String value) throws ApiException {
        if (value == null || value.isEmpty()) {
            return DEFAULT_TIMEOUT;
        }
        long seconds = parseNonNegative("timeoutSeconds", value);
        if (seconds == 0) {
            return DEFAULT_TIMEOUT;
        }
        return seconds > MAX_TIMEOUT.getSeconds() ? MAX_TIMEOUT : Duration.ofSeconds(seconds);
    }

    private static long parseNonNegative(String name, String value) throws ApiException {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(name, value, "must be a non-negative integer");
    }

    private static ApiException invalid(String name, String value, String rule) {
        return new ApiException(400, ApiStatus.BAD_REQUEST,
                name + ": Invalid value: \"" + value + "\": " + rule);
    }
}
