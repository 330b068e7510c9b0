package io.karedge.api.access;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log lines about single requests, at most one per interval: a flood of bad requests costs one line every
 * ten seconds, which says how many were left out before it. Never with a stack trace. Used by the local
 * APIs (REST, the local Kubernetes API) for what a client's request caused.
 */
public final class RateLimitedLog {

    public static final long INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Class<?> owner) {
        this.log = LoggerFactory.getLogger(owner);
    }

    public void info(String format, Object... arguments) {
        if (take()) {
            long left = suppressed.getAndSet(0);
            log.info(format + (left > 0 ? " (" + left + " similar lines left out)" : ""), strip(arguments));
        }
    }

    public void warn(String format, Object... arguments) {
        if (take()) {
            long left = suppressed.getAndSet(0);
            log.warn(format + (left > 0 ? " (" + left + " similar lines left out)" : ""), strip(arguments));
        }
    }

    private boolean take() {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + INTERVAL_NANOS)) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    /** A trailing Throwable would be logged with its stack: it is logged as its message. */
    private static Object[] strip(Object[] arguments) {
        Object[] copy = arguments.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] instanceof Throwable t) {
                copy[i] = t.toString();
            }
        }
        return copy;
    }
}
