package io.karedge.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karedge.api.access.LocalAccess;
import io.karedge.api.access.RateLimitedLog;
import io.karedge.api.access.RequestTargets;
import io.karedge.api.json.KaredgeJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * In front of everything served on the node's HTTP port (an HTTP whiteboard filter on {@code /*}, all
 * contexts): a malformed target is a 400; a {@code Host} that is not allowed a 403; a request without the
 * node's bearer token or a dashboard session a 401, unless it reads a path opened for anonymous reads; a
 * browser's state-changing request from another {@code Origin} a 403. Without the {@link LocalAccess}
 * service every request but a malformed one is a 503: the API is closed while it cannot check callers.
 */
@Component(service = Filter.class, property = {
        "osgi.http.whiteboard.filter.name=karedge-access",
        "osgi.http.whiteboard.filter.pattern=/*",
        "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=*)",
        "service.ranking:Integer=1000"})
public class AccessFilter implements Filter {

    /** The dashboard's login path: a GET of it takes a one-time code instead of credentials. */
    static final String LOGIN_PATH = "/ui/login";

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile LocalAccess access;

    private final RateLimitedLog log = new RateLimitedLog(AccessFilter.class);

    public AccessFilter() {
    }

    AccessFilter(LocalAccess access) {
        this.access = access;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            chain.doFilter(request, response);
            return;
        }
        String path = http.getRequestURI();
        String problem = RequestTargets.pathProblem(path);
        if (problem == null) {
            problem = RequestTargets.queryProblem(http.getQueryString());
        }
        if (problem != null) {
            log.info("Refused {} from {}: {}", http.getMethod(), http.getRemoteAddr(), problem);
            refuse(answer, ApiStatus.failure(400, ApiStatus.BAD_REQUEST, problem));
            return;
        }
        LocalAccess current = access;
        if (current == null) {
            refuse(answer, ApiStatus.failure(503, ApiStatus.SERVICE_UNAVAILABLE,
                    "the node's access control is not running; try again shortly"));
            return;
        }
        if (!current.hostAllowed(http.getHeader("Host"))) {
            log.info("Refused {} {}: Host {} is not allowed", http.getMethod(), path, clip(http.getHeader("Host")));
            refuse(answer, ApiStatus.failure(403, ApiStatus.FORBIDDEN, "this Host is not served: add it to "
                    + "allowed.hosts of io.karedge.access"));
            return;
        }
        boolean read = READS.contains(http.getMethod());
        if (!read && !current.originAllowed(http.getHeader("Origin"))) {
            log.info("Refused {} {}: Origin {} is not allowed", http.getMethod(), path,
                    clip(http.getHeader("Origin")));
            refuse(answer, ApiStatus.failure(403, ApiStatus.FORBIDDEN, "requests from this Origin may not change "
                    + "anything here"));
            return;
        }
        boolean login = path.equals(LOGIN_PATH) && "GET".equals(http.getMethod());
        if (login || authenticated(http, current) || (read && current.anonymousRead(path))) {
            chain.doFilter(request, response);
            return;
        }
        answer.setHeader("WWW-Authenticate", "Bearer realm=\"karedge\"");
        refuse(answer, ApiStatus.failure(401, ApiStatus.UNAUTHORIZED, "send the node's token (Authorization: "
                + "Bearer, from " + current.tokenFile() + " of the node's user), or open the dashboard through the "
                + "link edge:dashboard-link prints"));
    }

    static boolean authenticated(HttpServletRequest http, LocalAccess access) {
        String authorization = http.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && access.acceptsToken(authorization.substring(7).trim())) {
            return true;
        }
        Cookie[] cookies = http.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (LocalAccess.SESSION_COOKIE.equals(cookie.getName()) && access.acceptsSession(cookie.getValue())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String clip(String value) {
        if (value == null) {
            return "(none)";
        }
        String clipped = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return '"' + clipped.replaceAll("[\\p{Cntrl}]", "?") + '"';
    }

    static void refuse(HttpServletResponse answer, ObjectNode status) throws IOException {
        byte[] body = KaredgeJson.mapper().writeValueAsBytes(status);
        answer.setStatus(status.path("code").asInt());
        answer.setContentType("application/json");
        answer.setCharacterEncoding(StandardCharsets.UTF_8.name());
        answer.setHeader("Cache-Control", "no-store");
        answer.setContentLength(body.length);
        answer.getOutputStream().write(body);
    }
}
