package io.karedge.shell.internal;

import io.karedge.api.access.ClientKubeconfigs;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/**
 * {@code edge:kubeconfig --user NAME}: a client certificate and key from the node's own authority, and a
 * kubeconfig (0600) that uses them for the local Kubernetes API.
 */
@Service
@Command(scope = "edge", name = "kubeconfig",
        description = "Issue a client certificate for a named user of the local Kubernetes API and write a "
                + "kubeconfig that uses it.")
public class KubeconfigCommand implements Action {

    @Option(name = "--user", aliases = "-u", required = true,
            description = "the user's name (the certificate's CN): letters, digits, . _ @ -")
    String user;

    @Option(name = "--file", aliases = "-f",
            description = "where to write the kubeconfig; default ${karaf.data}/karedge/kubeconfig-USER")
    String file;

    @Reference(optional = true)
    ClientKubeconfigs kubeconfigs;

    @Override
    public Object execute() throws Exception {
        if (kubeconfigs == null) {
            throw new CommandException("the local Kubernetes API is not installed (feature:install karedge-kube-api)");
        }
        Path target = file != null && !file.isBlank() ? Path.of(file)
                : Path.of(System.getProperty("karaf.data", "data"), "karedge", "kubeconfig-" + user);
        try {
            kubeconfigs.write(user, target);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        System.out.println("kubectl --kubeconfig " + target.toAbsolutePath() + " get pods -A   # as " + user
                + " (client certificate, valid 365 days)");
        System.out.flush();
        return null;
    }
}
