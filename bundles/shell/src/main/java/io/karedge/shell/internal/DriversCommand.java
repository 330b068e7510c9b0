package io.karedge.shell.internal;

import io.karedge.device.manager.DeviceManagerStatus;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:drivers}: the protocol drivers the device manager knows. */
@Service
@Command(scope = "edge", name = "drivers", description = "List protocol drivers: protocol, bundle, version, devices, errors.")
public class DriversCommand implements Action {

    @Reference(optional = true)
    DeviceManagerStatus deviceManager;

    @Override
    public Object execute() throws Exception {
        if (deviceManager == null) {
            throw new CommandException("the device manager is not running (feature karedge-device-manager)");
        }
        System.out.print(DeviceManagerFormatter.drivers(deviceManager.drivers()));
        System.out.flush();
        return null;
    }
}
