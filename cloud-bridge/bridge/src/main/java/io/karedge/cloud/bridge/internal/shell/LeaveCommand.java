package io.karedge.cloud.bridge.internal.shell;

import io.karedge.cloud.bridge.internal.BridgeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import io.karedge.api.node.EdgeNode;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code edge:leave}: deletes the cloud bridge configuration; the node becomes standalone, and a name given to
 * {@code edge:join --node-name} is given up (the node identity follows that configuration).
 */
@Service
@Command(scope = "edge", name = "leave", description = "Leave the cloud (deletes the cloud bridge configuration).")
public class LeaveCommand implements Action {

    @Option(name = "--forget", description = "Also delete the edge certificate, key and CA (a later join needs a token)")
    boolean forget;

    @Reference
    ConfigurationAdmin configurationAdmin;

    @Reference(optional = true)
    EdgeNode node;

    @Override
    public Object execute() throws Exception {
        Configuration[] configurations = configurationAdmin.listConfigurations("(service.pid=" + BridgeConfig.PID + ")");
        if (configurations == null || configurations.length == 0) {
            System.out.println("Not joined to a cloud.");
        } else {
            String joinedName = null;
            for (Configuration configuration : configurations) {
                Object name = configuration.getProperties() == null ? null
                        : configuration.getProperties().get("node.name");
                if (name != null && !name.toString().isBlank()) {
                    joinedName = name.toString().trim();
                }
                configuration.delete();
            }
            System.out.println("Left the cloud; the node runs standalone.");
            if (joinedName != null) {
                System.out.println("The node is no longer known as " + joinedName + "; it takes its own name again.");
            }
        }
        if (forget) {
            if (node == null) {
                String message = "edge:leave: no node service, credentials not deleted";
                throw new CommandException(message, message);
            }
            Path directory = node.dataDirectory().resolve("cloud");
            if (Files.exists(directory)) {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
                System.out.println("Deleted the cloud credentials in " + directory);
            }
        }
        return null;
    }
}
