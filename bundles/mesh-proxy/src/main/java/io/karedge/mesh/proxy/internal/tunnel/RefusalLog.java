package io.karedge.mesh.proxy.internal.tunnel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Logs a refusal (a peer that failed its handshake, broke the protocol, or hit a limit) once per peer and
 * kind at WARN, and repeats of it at DEBUG, so a hostile or broken peer cannot flood the log. Remembers
 * the last 512 keys.
 */
final class RefusalLog {

    private static final int REMEMBERED = 512;

    private final Logger log;
    private final Map<String, Boolean> seen = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final LongAdder refusals = new LongAdder();
    private final LongAdder warnings = new LongAdder();

    RefusalLog(Logger log) {
        this.log = log;
    }

    void refuse(String peer, String kind, String message) {
        refusals.increment();
        boolean first;
        synchronized (seen) {
            first = seen.put(peer + "|" + kind, Boolean.TRUE) == null;
        }
        if (first) {
            warnings.increment();
            log.warn("Tunnel peer {}: {} (repeats of this are logged at debug level)", peer, message);
        } else {
            log.debug("Tunnel peer {}: {}", peer, message);
        }
    }

    long refusals() {
        return refusals.sum();
    }

    long warnings() {
        return warnings.sum();
    }
}
