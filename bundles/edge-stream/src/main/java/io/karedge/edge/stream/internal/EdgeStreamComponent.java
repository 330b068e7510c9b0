package io.karedge.edge.stream.internal;

import io.karedge.api.node.EdgeNode;
import io.karedge.pod.PodManagerStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edgeStream role: connects to CloudCore's stream tunnel with the node's certificate and serves the
 * {@code kubectl logs}, {@code exec} and {@code attach} requests and the resource metrics requests it forwards. Off unless {@code etc/io.karedge.edge.stream.cfg} says
 * {@code enabled = true} and names the tunnel {@code server}.
 */
@Component(configurationPid = EdgeStreamComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = EdgeStreamComponent.class, immediate = true)
@Designate(ocd = EdgeStreamComponent.Config.class)
public class EdgeStreamComponent {

    static final String PID = "io.karedge.edge.stream";

    private static final Logger LOG = LoggerFactory.getLogger(EdgeStreamComponent.class);

    @ObjectClassDefinition(name = "Karedge edge stream",
            description = "kubectl logs, exec, attach and resource metrics through CloudCore's stream tunnel "
                    + "(cloudStream, port 10004)")
    public @interface Config {
        @AttributeDefinition(description = "Connect to the tunnel; off unless the cloud runs cloudStream")
        boolean enabled() default false;

        @AttributeDefinition(description = "CloudCore's tunnel address, host:port (port 10004 by default)")
        String server() default "";

        @AttributeDefinition(description = "Directory of ca.crt, edge.crt and edge.key; empty: <data dir>/cloud, "
                + "where edge:join keeps them")
        String credentials_dir() default "";

        @AttributeDefinition(description = "The node address sent as SessionInternalIP; empty: the local address "
                + "of the route to the server")
        String internal_ip() default "";

        @AttributeDefinition(description = "Seconds between connection attempts")
        long reconnect_s() default 2;

        @AttributeDefinition(description = "Seconds between WebSocket pings")
        long ping_s() default 5;

        @AttributeDefinition(description = "Milliseconds between reads of a followed log")
        long log_poll_ms() default 200;
    }

    private final EventLoopGroup group;
    private final ExecutorService streams;
    private final TunnelClient client;

    @Activate
    public EdgeStreamComponent(@Reference(name = "node") EdgeNode node,
                               @Reference(name = "podManager") PodManagerStatus pods, Config config) {
        TunnelClient started = null;
        EventLoopGroup startedGroup = null;
        ExecutorService startedStreams = null;
        if (!config.enabled()) {
            LOG.info("Edge stream is off (enabled = false in etc/{}.cfg)", PID);
        } else {
            try {
                TunnelClient.Settings settings = settings(node, config);
                Path directory = config.credentials_dir().isBlank()
                        ? node.dataDirectory().resolve("cloud") : Path.of(config.credentials_dir());
                TunnelCredentials credentials = TunnelCredentials.load(directory);
                startedGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                startedStreams = streamExecutor();
                started = new TunnelClient(startedGroup, settings, credentials, pods, startedStreams);
                started.start();
            } catch (IOException | IllegalArgumentException e) {
                LOG.error("Edge stream is off: {}", e.getMessage());
                if (startedGroup != null) {
                    startedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                }
                if (startedStreams != null) {
                    startedStreams.shutdownNow();
                }
                started = null;
                startedGroup = null;
                startedStreams = null;
            }
        }
        this.client = started;
        this.group = startedGroup;
        this.streams = startedStreams;
    }

    static TunnelClient.Settings settings(EdgeNode node, Config config) {
        String server = config.server().trim();
        int colon = server.lastIndexOf(':');
        if (server.isEmpty()) {
            throw new IllegalArgumentException("no server in etc/" + PID + ".cfg (CloudCore's tunnel, host:10004)");
        }
        String host = colon < 0 ? server : server.substring(0, colon);
        int port;
        try {
            port = colon < 0 ? 10004 : Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server " + server + " has no port number");
        }
        String ip = config.internal_ip().isBlank() ? routeAddress(host, port) : config.internal_ip();
        return new TunnelClient.Settings(host, port, node.nodeName(), ip,
                Duration.ofSeconds(Math.max(1, config.reconnect_s())), Duration.ofSeconds(Math.max(1, config.ping_s())),
                Duration.ofMillis(Math.max(10, config.log_poll_ms())));
    }

    /** The local address the system would use to reach the server (no packet is sent). */
    private static String routeAddress(String host, int port) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(host, port));
            return probe.getLocalAddress().getHostAddress();
        } catch (IOException | RuntimeException e) {
            return "127.0.0.1";
        }
    }

    static ExecutorService streamExecutor() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, 2 * TunnelSession.MAX_STREAMS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "karedge-edge-stream-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Deactivate
    void deactivate() {
        if (client != null) {
            client.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (streams != null) {
            streams.shutdownNow();
        }
    }
}
