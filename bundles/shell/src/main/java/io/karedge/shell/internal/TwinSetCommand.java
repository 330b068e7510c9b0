package io.karedge.shell.internal;

import io.karedge.api.twin.TwinEngine;
import io.karedge.api.twin.TwinOrigin;
import io.karedge.api.twin.TwinReply;
import io.karedge.api.twin.TwinStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:twin-set DEVICE PROPERTY VALUE [--expect-version N]}: sets a desired value from the edge. */
@Service
@Command(scope = "edge", name = "twin-set", description = "Set the desired (expected) value of a device property.")
public class TwinSetCommand implements Action {

    @Reference
    TwinEngine engine;

    @Argument(index = 0, name = "DEVICE", required = true, description = "Device as ns/name, or name (see -n)")
    @Completion(DeviceCompleter.class)
    String device;

    @Argument(index = 1, name = "PROPERTY", required = true, description = "Twin (property) name")
    String property;

    @Argument(index = 2, name = "VALUE", required = true, description = "Desired value")
    String value;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace of a bare DEVICE name (default: default)")
    @Completion(NamespaceCompleter.class)
    String namespace;

    @Option(name = "--expect-version", description = "Write only if the property is at this version (0: new)")
    Long expectVersion;

    @Argument(index = 3, name = "OPTIONS", multiValued = true,
            description = "Options may also follow the arguments, as with kubectl")
    List<String> trailing;

    @Override
    public Object execute() throws Exception {
        TrailingOptions.apply(this);
        String deviceId = TwinFormatter.deviceId(device, namespace);
        long expected = expectVersion == null ? TwinStore.ANY_VERSION : expectVersion;
        TwinReply reply = engine.setDesired(deviceId, property, value, expected, TwinOrigin.SHELL)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        String line = TwinFormatter.setResult(deviceId, property, reply);
        if (!reply.ok()) {
            throw new CommandException(line, line);
        }
        System.out.println(line);
        return null;
    }
}
