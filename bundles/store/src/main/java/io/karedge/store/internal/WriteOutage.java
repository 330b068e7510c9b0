package io.karedge.store.internal;

import java.nio.file.Path;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store can write at the moment, and if not why: one WARN line when the disk starts refusing
 * writes, one INFO line when a transaction commits again.
 */
final class WriteOutage {

    /** Logs under {@link Database}, the store's one database logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Path file;
    /** Why the store cannot write, while it cannot; null when it can. */
    private volatile String reason;
    private long sinceNanos;

    WriteOutage(Path file) {
        this.file = file;
    }

    /** @return why writes are refused at the moment, or null when the store writes */
    String reason() {
        return reason;
    }

    /** Notes (and logs once per outage) that the disk refuses writes. */
    void begin(SQLException cause) {
        if (reason == null) {
            reason = SqliteErrors.describe(cause, file);
            sinceNanos = System.nanoTime();
            LOG.warn("The store at {} cannot write: {}. Writes are refused with an error until it can; reads keep"
                    + " working; nothing needs a restart", file, reason);
        }
    }

    /** After a commit: ends the outage, if there was one, and logs how long it lasted. */
    void end() {
        if (reason != null) {
            LOG.info("The store at {} writes again, {} ms after it stopped being able to ({})", file,
                    (System.nanoTime() - sinceNanos) / 1_000_000L, reason);
            reason = null;
        }
    }
}
