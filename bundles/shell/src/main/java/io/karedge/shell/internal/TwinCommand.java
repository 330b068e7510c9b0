package io.karedge.shell.internal;

import io.karedge.api.twin.DeviceTwin;
import io.karedge.api.twin.TwinEngine;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:twin DEVICE}: the twins of one member device with versions, and its state. */
@Service
@Command(scope = "edge", name = "twin", description = "Show the twins, state and last online time of a device.")
public class TwinCommand implements Action {

    @Reference
    TwinEngine engine;

    @Argument(index = 0, name = "DEVICE", required = true, description = "Device as ns/name, or name (see -n)")
    @Completion(DeviceCompleter.class)
    String device;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace of a bare DEVICE name (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace;

    @Argument(index = 1, name = "OPTIONS", multiValued = true,
            description = "Options may also follow the arguments, as with kubectl")
    List<String> trailing;

    @Override
    public Object execute() throws Exception {
        TrailingOptions.apply(this);
        String deviceId = TwinFormatter.deviceId(device, namespace);
        Optional<DeviceTwin> twin = engine.device(deviceId);
        if (twin.isEmpty()) {
            String message = "Device " + deviceId + " is not a member of this node";
            throw new CommandException(message, message);
        }
        System.out.print(TwinFormatter.format(twin.get()));
        System.out.flush();
        return null;
    }
}
