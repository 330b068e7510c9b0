package io.karedge.shell.internal;

import io.karedge.device.manager.DeviceInfo;
import io.karedge.device.manager.DriverInfo;
import io.karedge.device.manager.PropertyInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Text for {@code edge:drivers} and {@code edge:device}. */
final class DeviceManagerFormatter {

    private DeviceManagerFormatter() {
    }

    static String drivers(List<DriverInfo> drivers) {
        if (drivers.isEmpty()) {
            return "No protocol drivers registered.\n";
        }
        TextTable table = new TextTable(List.of("PROTOCOL", "BUNDLE", "VERSION", "RANKING", "ACTIVE", "DEVICES",
                "ERRORS", "LAST ERROR"));
        for (DriverInfo d : drivers) {
            table.row(List.of(d.protocol(), d.bundle(), d.version(), Integer.toString(d.ranking()),
                    d.active() ? "yes" : "standby", Integer.toString(d.devices()), Long.toString(d.errors()),
                    d.lastError() == null ? "" : d.lastError()));
        }
        return table.render();
    }

    static String device(DeviceInfo d, Instant now) {
        return device(d, now, Map.of());
    }

    /**
     * @param twinActual the twin's actual value per property: shown, marked {@code (twin)}, for a property the
     *                   device manager reads nothing of itself (a device an external DMI mapper serves reports
     *                   its values straight to the twin)
     */
    static String device(DeviceInfo d, Instant now, Map<String, String> twinActual) {
        StringBuilder out = new StringBuilder();
        out.append("Device:      ").append(d.id()).append('\n');
        out.append("Protocol:    ").append(d.protocol()).append('\n');
        out.append("Model:       ").append(d.model().isEmpty() ? "<none>" : d.model()).append('\n');
        out.append("Node:        ").append(d.nodeName().isEmpty() ? "<any>" : d.nodeName()).append('\n');
        out.append("Driver:      ").append(d.driver().isEmpty() ? "<none>" : d.driver()).append('\n');
        out.append("State:       ").append(d.state()).append(" (").append(ago(d.since(), now)).append(")\n");
        out.append("Reason:      ").append(d.reasonText()).append('\n');
        out.append("Reads:       ").append(d.reads()).append(" ok, ").append(d.failedReads()).append(" failed, ")
                .append(d.skipped()).append(" cycles skipped\n");
        if (d.desiredRewrites() > 0) {
            out.append("Rewrites:    ").append(d.desiredRewrites())
                    .append(" (a desired value written again after the device read another one)\n");
        }
        out.append("Last error:  ").append(d.lastError() == null ? "<none>"
                : d.lastError() + " (" + ago(d.lastErrorAt(), now) + ")").append('\n');
        if (d.properties().isEmpty()) {
            return out.append("\nNo properties.\n").toString();
        }
        TextTable table = new TextTable(List.of("PROPERTY", "TYPE", "VALUE", "READ", "COLLECT", "REPORT", "DESIRED",
                "WRITE", "ERROR"));
        for (PropertyInfo p : d.properties()) {
            String fromTwin = p.value() == null ? twinActual.get(p.name()) : null;
            String value = p.value() != null ? p.value() : fromTwin != null ? fromTwin + " (twin)" : "<none>";
            table.row(List.of(p.name(), p.type(), value, fromTwin != null ? "" : ago(p.readAt(), now),
                    (p.pushed() ? "pushed" : p.collectCycle() + "ms"),
                    p.reportToCloud() ? p.reportCycle() + "ms" : "off", p.desired() == null ? "" : p.desired(),
                    p.writeResult() == null ? "" : p.writeResult(), p.error() == null ? "" : p.error()));
        }
        return out.append('\n').append(table.render()).toString();
    }

    static String ago(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        Duration age = Duration.between(then, now);
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        return age.toMillis() < 1000 ? age.toMillis() + "ms ago" : HumanUnits.age(age) + " ago";
    }
}
