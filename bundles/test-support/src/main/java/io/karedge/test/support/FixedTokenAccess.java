package io.karedge.test.support;

import io.karedge.api.access.LocalAccess;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link LocalAccess} for tests of a server: one fixed token, loopback hosts only (as the node's own, plus
 * {@code extraHosts}), the given anonymous paths, login codes that work once.
 */
public final class FixedTokenAccess implements LocalAccess {

    public static final String TOKEN = "test-token-0123456789";
    /** The header value a client sends. */
    public static final String BEARER = "Bearer " + TOKEN;

    private final List<String> anonymous;
    private final Set<String> codes = ConcurrentHashMap.newKeySet();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();

    public FixedTokenAccess(String... anonymousPaths) {
        this.anonymous = List.of(anonymousPaths);
    }

    @Override
    public boolean acceptsToken(String token) {
        return TOKEN.equals(token);
    }

    @Override
    public boolean acceptsSession(String session) {
        return session != null && sessions.contains(session);
    }

    @Override
    public String newLoginCode() {
        String code = "code-" + codes.size() + "-" + System.nanoTime();
        codes.add(code);
        return code;
    }

    @Override
    public Optional<Session> redeemLoginCode(String code) {
        if (code == null || !codes.remove(code)) {
            return Optional.empty();
        }
        String session = "session-" + System.nanoTime();
        sessions.add(session);
        return Optional.of(new Session(session, 3600));
    }

    @Override
    public Path tokenFile() {
        return Path.of("/nonexistent/api-token");
    }

    @Override
    public void rotateToken() {
        sessions.clear();
    }

    @Override
    public boolean hostAllowed(String host) {
        if (host == null) {
            return true;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
    }

    @Override
    public boolean originAllowed(String origin) {
        return origin == null || origin.startsWith("http://127.0.0.1") || origin.startsWith("http://localhost");
    }

    @Override
    public boolean anonymousRead(String path) {
        return anonymous.contains(path);
    }
}
