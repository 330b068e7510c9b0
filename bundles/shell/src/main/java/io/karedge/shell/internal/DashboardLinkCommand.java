package io.karedge.shell.internal;

import io.karedge.api.access.LocalAccess;
import java.io.IOException;
import java.util.Dictionary;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code edge:dashboard-link}: a one-time link that logs a browser on this machine in to the dashboard
 * (the code is exchanged for a session cookie and cannot be used again).
 */
@Service
@Command(scope = "edge", name = "dashboard-link",
        description = "Print a one-time link that logs a browser in to the dashboard (valid for a few minutes).")
public class DashboardLinkCommand implements Action {

    static final String PAX_WEB_PID = "org.ops4j.pax.web";

    @Reference(optional = true)
    LocalAccess access;

    @Reference(optional = true)
    ConfigurationAdmin configurations;

    @Override
    public Object execute() throws Exception {
        if (access == null) {
            throw new CommandException("the node's access control is not running (bundle io.karedge.node)");
        }
        System.out.println(baseUrl() + "/ui/login?code=" + access.newLoginCode());
        System.out.flush();
        return null;
    }

    private String baseUrl() throws IOException {
        String port = "8181";
        String address = "127.0.0.1";
        if (configurations != null) {
            Configuration web = configurations.getConfiguration(PAX_WEB_PID, null);
            Dictionary<String, Object> properties = web.getProperties();
            if (properties != null) {
                Object configuredPort = properties.get("org.osgi.service.http.port");
                Object addresses = properties.get("org.ops4j.pax.web.listening.addresses");
                port = configuredPort == null ? port : configuredPort.toString().trim();
                if (addresses != null) {
                    String first = addresses.toString().split(",")[0].trim();
                    address = first.isEmpty() || first.equals("0.0.0.0") || first.equals("::") ? address : first;
                }
            }
        }
        return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
}
