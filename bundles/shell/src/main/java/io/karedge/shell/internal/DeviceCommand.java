package io.karedge.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.karedge.api.twin.TwinEngine;
import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DeviceManagerStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:device DEVICE}: how the device manager runs one device. */
@Service
@Command(scope = "edge", name = "device", description = "Show how one device runs: state, reason, last values, errors.",
        detailedDescription = "DEVICE is <namespace>/<name>, or a name in the 'default' namespace.\n"
                + "Without DEVICE, lists every device with its state.")
public class DeviceCommand implements Action {

    @Reference(optional = true)
    DeviceManagerStatus deviceManager;

    @Reference(optional = true)
    TwinEngine twins;

    @Argument(index = 0, name = "DEVICE", description = "<namespace>/<name> or a name in 'default'")
    String device;

    @Override
    public Object execute() throws Exception {
        if (deviceManager == null) {
            throw new CommandException("the device manager is not running (feature karedge-device-manager)");
        }
        if (device == null || device.isBlank()) {
            TextTable table = new TextTable(java.util.List.of("DEVICE", "PROTOCOL", "STATE", "REASON"));
            for (DeviceInfo info : deviceManager.devices()) {
                table.row(java.util.List.of(info.id(), info.protocol(), info.state().name(), info.reason()));
            }
            System.out.print(table.isEmpty() ? "No devices.\n" : table.render());
        } else {
            DeviceInfo info = deviceManager.device(device.trim()).orElseThrow(() -> new CommandException(
                    "device " + device + " is not run by this node's device manager"));
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
