package io.karedge.kube.api.internal;

import com.sun.net.httpserver.HttpExchange;
import io.karedge.api.access.LocalAccess;
import io.karedge.api.access.RequestTargets;
import java.util.Set;

/**
 * What every request passes before it is routed: a target that decodes (400), an allowed {@code Host}
 * (403), the node's bearer token (401) unless it reads a path opened for anonymous reads or presents the
 * service-account token of one of the node's pods (see {@link PodAccess}) or a client certificate of the
 * node's own authority (see {@link LocalCertificateAuthority}), and for a write from a browser
 * page an allowed {@code Origin} (403). As the REST API's access filter.
 */
final class RequestGate {

    private static final Set<String> READS = Set.of("GET", "HEAD");

    private final LocalAccess access;
    private final PodAccess pods;

    RequestGate(LocalAccess access) {
        this(access, null);
    }

    /** @param pods checks the service-account tokens of the node's pods, or {@code null} to refuse them all */
    RequestGate(LocalAccess access, PodAccess pods) {
        this.access = access;
        this.pods = pods;
    }

    /**
     * @return whether the client showed a certificate in the TLS handshake: the server trusts only the node's
     *         own client authority, so the handshake has already checked that it signed it
     */
    private static boolean clientCertificate(HttpExchange exchange) {
        if (!(exchange instanceof com.sun.net.httpserver.HttpsExchange https) || https.getSSLSession() == null) {
            return false;
        }
        try {
            java.security.cert.Certificate[] chain = https.getSSLSession().getPeerCertificates();
            return chain != null && chain.length > 0;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return false;
        }
    }

    void check(HttpExchange exchange) throws KubeStatusException {
        String path = exchange.getRequestURI().getRawPath();
        String problem = RequestTargets.pathProblem(path);
        if (problem == null) {
            problem = RequestTargets.queryProblem(exchange.getRequestURI().getRawQuery());
        }
        if (problem != null) {
            throw KubeStatusException.badRequest(problem);
        }
        if (!access.hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
            throw new KubeStatusException(403, "Forbidden", "this Host is not served: add it to allowed.hosts of "
                    + "io.karedge.access");
        }
        boolean read = READS.contains(exchange.getRequestMethod());
        if (!read && !access.originAllowed(exchange.getRequestHeaders().getFirst("Origin"))) {
            throw new KubeStatusException(403, "Forbidden", "requests from this Origin may not change anything here");
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if ((bearer != null && access.acceptsToken(bearer)) || (read && access.anonymousRead(path))) {
            return;
        }
        if (bearer != null && pods != null && pods.authorize(bearer, exchange.getRequestMethod(), path)) {
            return;
        }
        if (clientCertificate(exchange)) {
            return;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"karedge\"");
        throw new KubeStatusException(401, "Unauthorized", "Unauthorized: send the node's token (Authorization: "
                + "Bearer), e.g. kubectl --kubeconfig with the kubeconfig the node wrote for its user");
    }
}
