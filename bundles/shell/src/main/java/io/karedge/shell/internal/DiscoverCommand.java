package io.karedge.shell.internal;

import io.karedge.device.manager.DiscoveryException;
import io.karedge.device.manager.DiscoveryResult;
import io.karedge.device.manager.DriverDiscovery;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:discover PROTOCOL}: a device scan by the protocol's driver, and manifests to start from. */
@Service
@Command(scope = "edge", name = "discover", description = "Scan for devices with a protocol driver that offers "
        + "discovery (see edge:drivers); -o yaml prints a DeviceModel and a Device to edit for each one found.")
public class DiscoverCommand implements Action {

    @Reference(optional = true)
    DriverDiscovery discovery;

    @Argument(index = 0, name = "PROTOCOL", required = true, description = "Protocol of the driver that scans")
    String protocol;

    @Option(name = "--timeout", aliases = "-t", description = "Seconds the scan may take, 1..60 (default 10)")
    Integer timeoutSeconds;

    @Option(name = "-o", aliases = "--output", description = "Output format: yaml (manifests to edit) or json")
    String output;

    @Argument(index = 1, name = "OPTIONS", multiValued = true,
            description = "Options may also follow the arguments, as with kubectl")
    List<String> trailing;

    @Override
    public Object execute() throws Exception {
        TrailingOptions.apply(this);
        String format = output == null ? "" : output.toLowerCase(Locale.ROOT);
        if (!List.of("", "yaml", "json").contains(format)) {
            throw new CommandException("output format " + output + " is not one of yaml, json");
        }
        if (timeoutSeconds != null && (timeoutSeconds < 1 || timeoutSeconds > DriverDiscovery.MAX_TIMEOUT.toSeconds())) {
            throw new CommandException("--timeout takes 1 to " + DriverDiscovery.MAX_TIMEOUT.toSeconds()
                    + " seconds, not " + timeoutSeconds);
        }
        if (discovery == null) {
            throw new CommandException("the device manager is not running (feature karedge-device-manager)");
        }
        Duration timeout = timeoutSeconds == null ? DriverDiscovery.DEFAULT_TIMEOUT : Duration.ofSeconds(timeoutSeconds);
        DiscoveryResult result;
        try {
            result = discovery.discover(protocol, timeout);
        } catch (DiscoveryException e) {
            throw new CommandException(e.getMessage());
        }
        System.out.print(switch (format) {
            case "yaml" -> DiscoveryFormatter.manifests(result, timeout);
            case "json" -> DiscoveryFormatter.json(result);
            default -> DiscoveryFormatter.table(result, timeout);
        });
        System.out.flush();
        return null;
    }
}
