package io.karedge.cloud.bridge.internal.shell;

import io.karedge.api.node.EdgeNode;
import io.karedge.cloud.bridge.internal.BridgeConfig;
import io.karedge.cloud.bridge.internal.HostPort;
import io.karedge.cloud.bridge.internal.JoinToken;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code edge:join}: checks the token and writes PID {@code io.karedge.cloud.bridge} (persisted by Karaf to
 * {@code etc/io.karedge.cloud.bridge.cfg}); the bridge then joins and stays joined across restarts. A
 * {@code --node-name} becomes the node's name everywhere (the node identity follows that PID) until
 * {@code edge:leave}.
 */
@Service
@Command(scope = "edge", name = "join", description = "Join a KubeEdge CloudCore (writes the cloud bridge configuration).")
public class JoinCommand implements Action {

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

    @Reference
    ConfigurationAdmin configurationAdmin;

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
            System.err.println("edge:join: " + e.getMessage());
            return null;
        }
        Configuration configuration = configurationAdmin.getConfiguration(BridgeConfig.PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties() == null ? new Hashtable<>()
                : configuration.getProperties();
        properties.put("server", server.trim());
        properties.put("token", token.trim());
        putOrRemove(properties, "cert.server", certServer);
        putOrRemove(properties, "node.name", nodeName);
        configuration.update(properties);
        String name = nodeName != null && !nodeName.isBlank() ? nodeName.trim() : node == null ? null : node.nodeName();
        System.out.println("Joining " + server.trim() + (name == null ? "" : " as node " + name)
                + "; follow progress with edge:cloud");
        return null;
    }

    private static void putOrRemove(Dictionary<String, Object> properties, String key, String value) {
        if (value == null || value.isBlank()) {
            properties.remove(key);
        } else {
            properties.put(key, value.trim());
        }
    }
}
