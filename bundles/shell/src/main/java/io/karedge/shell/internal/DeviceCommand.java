package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.TwinEngine;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:device DEVICE}: how the device manager runs one device. */
@Service
@Command(scope = "edge", name = "device", description = "Show how one device runs: state, reason, last values, errors.",
        detailedDescription = "DEVICE is <namespace>/<name>, or a name in the namespace of -n (default: 'default').\n"
                + "Without DEVICE, lists every device with its state.")
public class DeviceCommand implements Action {

    @Reference(optional = true)
    DeviceManagerStatus deviceManager;

    @Reference(optional = true)
    TwinEngine twins;

    @Argument(index = 0, name = "DEVICE", description = "<namespace>/<name>, or a name (see -n)")
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
        if (deviceManager == null) {
            throw new CommandException("the device manager is not running (feature karedge-device-manager)");
        }
        if (device == null || device.isBlank()) {
            TextTable table = new TextTable(List.of("DEVICE", "PROTOCOL", "STATE", "REASON"));
            for (DeviceInfo info : deviceManager.devices()) {
                table.row(List.of(info.id(), info.protocol(), info.state().name(), info.reasonText()));
            }
            System.out.print(table.isEmpty() ? "No devices.\n" : table.render());
        } else {
            DeviceInfo info = deviceManager.device(TwinFormatter.deviceId(device.trim(), namespace)).orElseThrow(() -> new CommandException(
                    "device " + TwinFormatter.deviceId(device.trim(), namespace) + " is not run by this node's device manager"));
            System.out.print(DeviceManagerFormatter.device(info, Instant.now(), twinActual(info.id())));
        }
        System.out.flush();
        return null;
    }

    /** The twin's actual values of a device, for properties whose values reach the twin without the manager. */
    private Map<String, String> twinActual(String deviceId) {
        Map<String, String> values = new HashMap<>();
        if (twins != null) {
            twins.device(deviceId).ifPresent(twin -> twin.twins().forEach((property, record) -> {
                JsonNode actual = record.twin().path("actual").path("value");
                if (actual.isValueNode() && !actual.isNull()) {
                    values.put(property, actual.asText());
                }
            }));
        }
        return values;
    }
}
