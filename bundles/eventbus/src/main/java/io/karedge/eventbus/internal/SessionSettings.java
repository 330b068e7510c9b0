package io.karedge.eventbus.internal;

import java.nio.file.Path;

/**
 * Persistent sessions ({@code cleanSession=0}) of the embedded broker.
 *
 * @param journal    file the sessions are written to so they survive a restart; null: kept in memory only
 * @param expirySecs a persistent session whose client stayed away this long is discarded
 * @param fsync      force the journal to disk before a message it holds is acknowledged to its publisher
 */
public record SessionSettings(Path journal, long expirySecs, boolean fsync) {

    public static final long DEFAULT_EXPIRY_SECS = 7L * 24 * 3600;

    public SessionSettings {
        if (expirySecs < 1) {
            throw new IllegalArgumentException("session.expiry.secs must be at least 1, not " + expirySecs);
        }
    }

    /** In memory only, default expiry. */
    public static SessionSettings inMemory() {
        return new SessionSettings(null, DEFAULT_EXPIRY_SECS, false);
    }
}
