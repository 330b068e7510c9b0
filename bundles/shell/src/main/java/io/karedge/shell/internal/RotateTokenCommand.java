package io.karedge.shell.internal;

import io.karedge.api.access.LocalAccess;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:rotate-token}: a new bearer token for the local APIs; the old one and dashboard sessions end. */
@Service
@Command(scope = "edge", name = "rotate-token",
        description = "Replace the local APIs' bearer token (the kubeconfig reads the file, so it follows).")
public class RotateTokenCommand implements Action {

    @Reference(optional = true)
    LocalAccess access;

    @Override
    public Object execute() throws Exception {
        if (access == null) {
            throw new CommandException("the node's access control is not running (bundle io.karedge.node)");
        }
        access.rotateToken();
        System.out.println("New token in " + access.tokenFile() + "; dashboard sessions ended.");
        System.out.flush();
        return null;
    }
}
