package io.karedge.shell.internal;

import io.karedge.eventbus.MqttBusStatus;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code edge:mqtt}: the MQTT event bus: broker mode, address, clients and message rates. */
@Service
@Command(scope = "edge", name = "mqtt", description = "Show the MQTT event bus: mode, address, clients, messages.")
public class MqttCommand implements Action {

    @Reference(optional = true)
    MqttBusStatus bus;

    @Override
    public Object execute() {
        System.out.print(format(bus));
        System.out.flush();
        return null;
    }

    static String format(MqttBusStatus bus) {
        if (bus == null) {
            return "event bus not running\n";
        }
        StringBuilder out = new StringBuilder();
        line(out, "Mode:", bus.mode());
        line(out, "Address:", bus.address() + (bus.connected() ? "" : "  (NOT " + ("external".equals(bus.mode())
                ? "connected" : "listening") + ")"));
        String problem = bus.problem();
        if (problem != null) {
            line(out, "Problem:", problem);
        }
        if (!"external".equals(bus.mode())) {
            line(out, "Clients:", Integer.toString(bus.connectedClients()));
        }
        line(out, "Messages in:", String.format(Locale.ROOT, "%.0f/s  (total %d)", bus.messagesInPerSecond(), bus.messagesIn()));
        line(out, "Messages out:", String.format(Locale.ROOT, "%.0f/s  (total %d)", bus.messagesOutPerSecond(), bus.messagesOut()));
        line(out, "Rejected:", Long.toString(bus.rejected()));
        line(out, "Errors:", Long.toString(bus.errors()));
        if (!"external".equals(bus.mode())) {
            line(out, "Refused:", String.format(Locale.ROOT, "%d connections, %d publishes, %d subscriptions",
                    bus.refusedConnections(), bus.refusedPublishes(), bus.refusedSubscriptions()));
            line(out, "Sessions:", String.format(Locale.ROOT, "%d persistent  (%d messages dropped when full)",
                    bus.persistentSessions(), bus.sessionDropped()));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-15s %s%n", label, value));
    }
}
