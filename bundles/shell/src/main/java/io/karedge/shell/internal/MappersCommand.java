package io.karedge.shell.internal;

import io.karedge.dmi.MapperRegistry;
import io.karedge.dmi.MapperStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

/** {@code edge:mappers}: the external KubeEdge mappers registered over DMI. */
@Service
@Command(scope = "edge", name = "mappers",
        description = "List DMI mappers: name, version, protocol, socket, state, devices, last report.")
public class MappersCommand implements Action {

    @Reference(optional = true)
    MapperRegistry registry;

    @Override
    public Object execute() throws Exception {
        if (registry == null) {
            throw new CommandException("the DMI server is not running (feature karedge-dmi)");
        }
        System.out.print(table(registry.mappers(), Instant.now()));
        System.out.flush();
        return null;
    }

    static String table(List<MapperStatus> mappers, Instant now) {
        if (mappers.isEmpty()) {
            return "No mapper registered.\n";
        }
        TextTable table = new TextTable(List.of("NAME", "VERSION", "PROTOCOL", "SOCKET", "STATE", "DEVICES",
                "PENDING", "LAST REPORT", "LAST ERROR"));
        for (MapperStatus m : mappers) {
            table.row(List.of(m.name(), m.version(), m.protocol(), m.address(),
                    m.state().name().toLowerCase(Locale.ROOT), Integer.toString(m.devices()),
                    Integer.toString(m.pending()),
                    DeviceManagerFormatter.ago(m.lastReport(), now),
                    m.lastError() == null ? "" : m.lastError()));
        }
        return table.render();
    }
}
