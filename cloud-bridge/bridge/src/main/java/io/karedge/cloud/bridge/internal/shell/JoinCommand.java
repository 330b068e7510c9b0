package io.karedge.cloud.bridge.internal.shell;

import io.karedge.api.node.EdgeNode;
import io.karedge.api.progress.ProgressTracker;
import io.karedge.api.progress.TaskProgress;
import io.karedge.api.progress.TaskState;
import io.karedge.cloud.bridge.internal.BridgeConfig;
import io.karedge.cloud.bridge.internal.HostPort;
import io.karedge.cloud.bridge.internal.JoinProgress;
import io.karedge.cloud.bridge.internal.JoinToken;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code edge:join}: checks the token and writes PID {@code io.karedge.cloud.bridge} (persisted by Karaf to
 * {@code etc/io.karedge.cloud.bridge.cfg}); the bridge then joins and stays joined across restarts. A
 * {@code --node-name} becomes the node's name everywhere (the node identity follows that PID) until
 * {@code edge:leave}. While the node's progress tracker is there, it then follows the join (credentials,
 * connect, first sync) and prints a line per step, until it ends, {@value #FOLLOW_SECONDS} s passed or Ctrl-C;
 * the join goes on in the background in any case.
 */
@Service
@Command(scope = "edge", name = "join", description = "Join a KubeEdge CloudCore (writes the cloud bridge configuration).")
public class JoinCommand implements Action {

    static final long FOLLOW_SECONDS = 120;
    /** How long to wait for the bridge to start its join before saying so. */
    static final long START_SECONDS = 15;
    static final long POLL_MILLIS = 250;

    private static final Pattern DNS_1123 = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    @Option(name = "--server", required = true, description = "CloudHub address host:port (port 10000 if omitted)")
    String server;

    @Option(name = "--token", required = true, description = "Join token from keadm gettoken")
    String token;

    @Option(name = "--cert-server", description = "Certificate service host:port (default: the server's host, port 10002)")
    String certServer;

    @Option(name = "--node-name", description = "Node name in the cloud, and from then on this node's name"
            + " everywhere (default: this node's name)")
    String nodeName;

    @Option(name = "--no-wait", description = "Return once the configuration is written, without following the join")
    boolean noWait;

    @Reference
    ConfigurationAdmin configurationAdmin;

    @Reference(optional = true)
    ProgressTracker tracker;

    @Reference(optional = true)
    EdgeNode node;

    @Override
    public Object execute() throws Exception {
        try {
            JoinToken.parse(token);
            HostPort.parse(server, 10000);
            if (certServer != null) {
                HostPort.parse(certServer, 10002);
            }
            if (nodeName != null && !nodeName.isBlank() && !DNS_1123.matcher(nodeName.trim()).matches()) {
                throw new IllegalArgumentException("node name \"" + nodeName.trim() + "\" is not a DNS-1123"
                        + " subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)");
            }
        } catch (IllegalArgumentException e) {
            String message = "edge:join: " + e.getMessage();
            throw new CommandException(message, message);
        }
        Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Configuration configuration = configurationAdmin.getConfiguration(BridgeConfig.PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties() == null ? new Hashtable<>()
                : configuration.getProperties();
        properties.put("server", server.trim());
        properties.put("token", token.trim());
        putOrRemove(properties, "cert.server", certServer);
        putOrRemove(properties, "node.name", nodeName);
        configuration.update(properties);
        String name = nodeName != null && !nodeName.isBlank() ? nodeName.trim() : node == null ? null : node.nodeName();
        if (tracker == null || noWait) {
            System.out.println("Joining " + server.trim() + (name == null ? "" : " as node " + name)
                    + "; follow progress with edge:progress or edge:cloud");
            return null;
        }
        System.out.println("Joining " + server.trim() + (name == null ? "" : " as node " + name)
                + " (Ctrl-C stops following; the join goes on)");
        System.out.flush();
        ProgressTracker following = tracker;
        try {
            follow(following::tasks, HostPort.parse(server, 10000).toString(), since, line -> {
                System.out.println(line);
                System.out.flush();
            }, () -> !Thread.currentThread().isInterrupted(), System::currentTimeMillis, POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /**
     * Prints the steps of the join task the bridge opens for {@code server} after {@code since}, one line per
     * change, and its outcome.
     *
     * @return the join task as last seen, if it was seen
     */
    static Optional<TaskProgress> follow(Supplier<List<TaskProgress>> tasks, String server, Instant since,
                                         Consumer<String> out, BooleanSupplier keepGoing, LongSupplier clockMillis,
                                         long pollMillis) throws InterruptedException {
        String prefix = JoinProgress.title(server, "");
        long started = clockMillis.getAsLong();
        String lastLine = null;
        TaskProgress seen = null;
        while (true) {
            Optional<TaskProgress> task = tasks.get().stream()
                    .filter(t -> ProgressTracker.JOIN.equals(t.kind()) && t.title().startsWith(prefix)
                            && !t.startedAt().isBefore(since))
                    .reduce((first, second) -> second.startedAt().isAfter(first.startedAt()) ? second : first);
            long waited = clockMillis.getAsLong() - started;
            if (task.isPresent()) {
                seen = task.get();
                if (!seen.running()) {
                    String outcome = seen.state() == TaskState.SUCCEEDED ? "Joined" : "Join failed";
                    out.accept(outcome + (seen.message().isEmpty() ? "" : ": " + seen.message()) + " ("
                            + seconds(seen) + ")");
                    return task;
                }
                String line = "  [" + seen.done() + "/" + seen.total() + "] " + seen.phase();
                if (!line.equals(lastLine) && !seen.phase().isEmpty()) {
                    out.accept(line);
                    lastLine = line;
                }
                if (waited >= FOLLOW_SECONDS * 1000) {
                    out.accept("Still joining after " + FOLLOW_SECONDS + " s; the join goes on: follow it with"
                            + " edge:progress -w or edge:cloud");
                    return task;
                }
            } else if (waited >= START_SECONDS * 1000) {
                out.accept("The cloud bridge has not started to join within " + START_SECONDS + " s (is feature"
                        + " karedge-cloud installed?); see edge:cloud");
                return Optional.empty();
            }
            if (!keepGoing.getAsBoolean()) {
                return Optional.ofNullable(seen);
            }
            Thread.sleep(pollMillis);
        }
    }

    private static String seconds(TaskProgress task) {
        return String.format(Locale.ROOT, "%.1f s", task.elapsed().toMillis() / 1000.0);
    }

    private static void putOrRemove(Dictionary<String, Object> properties, String key, String value) {
        if (value == null || value.isBlank()) {
            properties.remove(key);
        } else {
            properties.put(key, value.trim());
        }
    }
}
