package io.karedge.rest.internal;

import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import javax.servlet.DispatcherType;
import javax.ws.rs.core.Application;
import org.apache.cxf.jaxrs.servlet.CXFNonSpringJaxrsServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The REST resources served as in the node: CXF's JAX-RS servlet with the Jackson provider on Jetty 9.4 (the
 * Jetty Pax Web runs), on a free loopback port, with the request thread pool the distribution configures in
 * {@code etc/org.ops4j.pax.web.cfg} (Pax Web's defaults where a key is absent).
 */
final class JettyApi implements AutoCloseable {

    /** The distribution's Pax Web configuration, next to this module in the reactor. */
    static final Path PAX_WEB_CFG = Path.of("..", "..", "karaf-assembly", "src", "main", "resources", "assembly",
            "etc", "org.ops4j.pax.web.cfg");

    private final Server server;
    private final QueuedThreadPool threads;
    private final int port;

    private JettyApi(Server server, QueuedThreadPool threads, int port) {
        this.server = server;
        this.threads = threads;
        this.port = port;
    }

    /** Serves {@code resources} behind the request guard with the default limits. */
    static JettyApi start(Object... resources) throws Exception {
        return start(RestLimits.defaults(), resources);
    }

    static JettyApi start(RestLimits limits, Object... resources) throws Exception {
        return start(limits, null, resources);
    }

    /** Serves {@code resources} as the node does: behind the access filter and with the error mapper. */
    static JettyApi startGuarded(io.karedge.api.access.LocalAccess access, Object... resources) throws Exception {
        return start(RestLimits.defaults(), access, resources);
    }

    private static JettyApi start(RestLimits limits, io.karedge.api.access.LocalAccess access, Object... resources)
            throws Exception {
        Properties cfg = new Properties();
        try (InputStream in = Files.newInputStream(PAX_WEB_CFG)) {
            cfg.load(in);
        }
        // Pax Web 8's JettyFactory: 200 threads at most, min(8, max) at least, 60 s idle timeout
        int max = Integer.parseInt(cfg.getProperty("org.ops4j.pax.web.server.maxThreads", "200").trim());
        int min = Integer.parseInt(cfg.getProperty("org.ops4j.pax.web.server.minThreads",
                String.valueOf(Math.min(8, max))).trim());
        int idle = Integer.parseInt(cfg.getProperty("org.ops4j.pax.web.server.idleTimeout", "60000").trim());
        QueuedThreadPool threads = new QueuedThreadPool(max, min, idle);
        threads.setName("test-qtp");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        Application application = new Application() {
            @Override
            public Set<Object> getSingletons() {
                Set<Object> singletons = new HashSet<>(Set.of(resources));
                singletons.add(new JacksonJsonProvider());
                if (access != null) {
                    singletons.add(new ErrorMapper());
                }
                return singletons;
            }
        };
        if (access != null) {
            context.addFilter(new FilterHolder(new AccessFilter(access)), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addFilter(new FilterHolder(new RequestGuardFilter(limits)), "/api/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new CXFNonSpringJaxrsServlet(application)), "/*");
        server.setHandler(context);
        server.start();
        return new JettyApi(server, threads, connector.getLocalPort());
    }

    int port() {
        return port;
    }

    /** @return threads of the request pool, busy or idle */
    int poolThreads() {
        return threads.getThreads();
    }

    int minThreads() {
        return threads.getMinThreads();
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
