package io.karedge.node.internal;

import io.karedge.api.access.LocalAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link LocalAccess}: its bearer token file, dashboard login codes and sessions, allowed hosts and
 * the paths opened for anonymous reads (configuration {@code io.karedge.access}).
 */
@Component(service = LocalAccess.class, configurationPid = LocalAccessComponent.PID, immediate = true)
@Designate(ocd = LocalAccessComponent.Config.class)
public class LocalAccessComponent implements LocalAccess {

    static final String PID = "io.karedge.access";

    private static final Logger LOG = LoggerFactory.getLogger(LocalAccessComponent.class);

    @ObjectClassDefinition(name = "Karedge local API access",
            description = "Who may call the REST API, the dashboard and the local Kubernetes API")
    public @interface Config {
        @AttributeDefinition(description = "File with the node's bearer token (made at first start, mode 0600); "
                + "empty = ${karaf.data}/karedge/api-token")
        String token_file() default "";

        @AttributeDefinition(description = "Host names (besides localhost and loopback addresses) that requests may "
                + "name in Host, and browser pages in Origin; add the node's name or address when serving beyond "
                + "loopback")
        String[] allowed_hosts() default {};

        @AttributeDefinition(description = "Paths anyone may read (GET, HEAD) without a token, e.g. /metrics, "
                + "/healthz, /api/v1/status; a trailing * opens a prefix")
        String[] anonymous_paths() default {};

        @AttributeDefinition(description = "How long a dashboard login link works, in seconds (once)")
        long login_code_ttl_s() default 300;

        @AttributeDefinition(description = "How long a dashboard session lasts, in seconds")
        long session_ttl_s() default 43200;
    }

    private final TokenFile token;
    private final HostNames hosts;
    private final List<String> anonymous;
    private final LoginSessions logins;

    @Activate
    public LocalAccessComponent(Config config) throws IOException {
        this(tokenPath(config.token_file()), Set.of(config.allowed_hosts()), List.of(config.anonymous_paths()),
                config.login_code_ttl_s(), config.session_ttl_s(), Clock.systemUTC());
    }

    LocalAccessComponent(Path tokenFile, Set<String> allowedHosts, List<String> anonymousPaths, long codeTtlSeconds,
                         long sessionTtlSeconds, Clock clock) throws IOException {
        if (codeTtlSeconds < 1 || sessionTtlSeconds < 1) {
            throw new IllegalArgumentException("login.code.ttl.s and session.ttl.s must be positive");
        }
        this.token = new TokenFile(tokenFile);
        this.hosts = new HostNames(allowedHosts.stream().map(String::trim).filter(h -> !h.isEmpty())
                .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()));
        this.anonymous = anonymousPaths.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        this.logins = new LoginSessions(clock, codeTtlSeconds, sessionTtlSeconds);
        token.ensure();
        LOG.info("Local APIs take the bearer token in {}; anonymous reads: {}", tokenFile,
                anonymous.isEmpty() ? "none" : anonymous);
    }

    private static Path tokenPath(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        return Path.of(System.getProperty("karaf.data", "data"), "karedge", "api-token");
    }

    @Override
    public boolean acceptsToken(String candidate) {
        return token.matches(candidate);
    }

    @Override
    public boolean acceptsSession(String session) {
        return logins.valid(session);
    }

    @Override
    public String newLoginCode() {
        return logins.newCode();
    }

    @Override
    public Optional<Session> redeemLoginCode(String code) {
        return logins.redeem(code).map(id -> new Session(id, logins.sessionTtlSeconds()));
    }

    @Override
    public Path tokenFile() {
        return token.path();
    }

    @Override
    public void rotateToken() throws IOException {
        token.rotate();
        logins.clear();
        LOG.info("The local API token in {} was replaced; dashboard sessions ended", token.path());
    }

    @Override
    public boolean hostAllowed(String host) {
        return hosts.hostAllowed(host);
    }

    @Override
    public boolean originAllowed(String origin) {
        return hosts.originAllowed(origin);
    }

    @Override
    public boolean anonymousRead(String path) {
        if (path == null) {
            return false;
        }
        for (String open : anonymous) {
            if (open.endsWith("*") ? path.startsWith(open.substring(0, open.length() - 1)) : path.equals(open)) {
                return true;
            }
        }
        return false;
    }
}
