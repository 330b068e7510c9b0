package io.karedge.node.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One-time login codes and the dashboard sessions they are exchanged for, in memory only (a restart ends
 * every session). Both are bounded in number: the oldest is forgotten first.
 */
final class LoginSessions {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_CODES = 64;
    private static final int MAX_SESSIONS = 256;

    private final Clock clock;
    private final long codeTtlMillis;
    private final long sessionTtlMillis;
    private final Map<String, Long> codes = new LinkedHashMap<>();
    private final Map<String, Long> sessions = new LinkedHashMap<>();

    LoginSessions(Clock clock, long codeTtlSeconds, long sessionTtlSeconds) {
        this.clock = clock;
        this.codeTtlMillis = codeTtlSeconds * 1000;
        this.sessionTtlMillis = sessionTtlSeconds * 1000;
    }

    long sessionTtlSeconds() {
        return sessionTtlMillis / 1000;
    }

    synchronized String newCode() {
        String code = random();
        codes.put(code, clock.millis() + codeTtlMillis);
        trim(codes, MAX_CODES);
        return code;
    }

    /** @return a new session id when the code was valid; the code is used up either way */
    synchronized Optional<String> redeem(String code) {
        if (code == null) {
            return Optional.empty();
        }
        Long expiry = codes.remove(code);
        if (expiry == null || expiry < clock.millis()) {
            return Optional.empty();
        }
        String session = random();
        sessions.put(session, clock.millis() + sessionTtlMillis);
        trim(sessions, MAX_SESSIONS);
        return Optional.of(session);
    }

    synchronized boolean valid(String session) {
        if (session == null) {
            return false;
        }
        Long expiry = sessions.get(session);
        if (expiry == null) {
            return false;
        }
        if (expiry < clock.millis()) {
            sessions.remove(session);
            return false;
        }
        return true;
    }

    synchronized void clear() {
        codes.clear();
        sessions.clear();
    }

    private static void trim(Map<String, Long> entries, int max) {
        Iterator<String> oldest = entries.keySet().iterator();
        while (entries.size() > max && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
