package io.karedge.api.access;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Who may call the node's local HTTP APIs (REST and dashboard on 8181, the Kubernetes API on 10550).
 *
 * <p>The node's user holds a bearer token kept in {@link #tokenFile()}, a file only that user can read
 * (0600, in the node's data directory, made at first start). A browser gets a session instead, by
 * redeeming a one-time login code (printed by {@code edge:dashboard-link}) for a cookie. Everyone else
 * may only read the paths the operator opened for anonymous reads. Requests must name an allowed
 * {@code Host} (loopback names and the configured ones), and a browser's state-changing request an allowed
 * {@code Origin}, so that a web page cannot drive the APIs through DNS rebinding or cross-site requests.
 *
 * @since 1.0
 */
@ProviderType
public interface LocalAccess {

    /** Name of the dashboard's session cookie. */
    String SESSION_COOKIE = "karedge_session";

    /** @return whether {@code token} is the node's current bearer token (checked in constant time) */
    boolean acceptsToken(String token);

    /** @return whether {@code session} is a dashboard session that has not expired */
    boolean acceptsSession(String session);

    /** @return a new one-time login code for the dashboard, valid for a short time */
    String newLoginCode();

    /** @return a new session for a login code that is known, unused and not expired; the code is used up */
    Optional<Session> redeemLoginCode(String code);

    /** @return the file that holds the bearer token */
    Path tokenFile();

    /** Replaces the token with a new random one and ends every dashboard session. */
    void rotateToken() throws IOException;

    /**
     * @param host the {@code Host} header, with or without port; {@code null} when the request named none
     * @return whether a request for that host is served: loopback names and addresses and the configured
     *         {@code allowed.hosts}; a request without a Host (HTTP/1.0) is served
     */
    boolean hostAllowed(String host);

    /**
     * @param origin the {@code Origin} header of a state-changing request, or {@code null} (not sent by a
     *               browser page)
     * @return whether it may change state: no Origin, or one whose host {@link #hostAllowed is allowed}
     */
    boolean originAllowed(String origin);

    /** @return whether {@code path} was opened for reads ({@code GET}, {@code HEAD}) without credentials */
    boolean anonymousRead(String path);

    /**
     * A dashboard session.
     *
     * @param id         the cookie's value
     * @param maxAgeSeconds how long it lasts
     */
    record Session(String id, long maxAgeSeconds) {
    }
}
