package io.karedge.cloud.bridge.internal.shell;

import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code edge:cloud}: the cloud link's state and counters. */
@Service
@Command(scope = "edge", name = "cloud", description = "Show the cloud link: state, server, certificate, counters.")
public class CloudCommand implements Action {

    @Reference(optional = true)
    CloudLinkStatus status;

    @Reference(optional = true)
    io.karedge.api.uplink.Uplink uplink;

    @Override
    public Object execute() {
        if (status == null) {
            System.out.println("State:           DISABLED (no cloud configured; join with edge:join)");
            if (uplink != null) {
                System.out.println(standaloneUplink(uplink.depth()));
            }
            return null;
        }
        System.out.print(format(status.snapshot()));
        System.out.flush();
        return null;
    }

    /** The Uplink of a node that never joined: the latest report per device property and state, for a join. */
    static String standaloneUplink(long depth) {
        return String.format("%-16s %s%n", "Uplink:", depth + " latest twin and state report(s) kept for a future join"
                + " (one per device property and device state, each replacing the one before)").stripTrailing();
    }

    public static String format(CloudLinkSnapshot s) {
        StringBuilder out = new StringBuilder();
        line(out, "State", s.state() + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")") + " since " + s.since());
        line(out, "Server", s.server());
        line(out, "Node", s.node());
        line(out, "Certificate", s.certificateExpiry() == null ? "none"
                : "expires " + s.certificateExpiry() + (s.certificateRenewal() == null ? ""
                : ", renewal at " + s.certificateRenewal()));
        line(out, "Last keepalive", s.lastKeepalive() == null ? "never" : text(s.lastKeepalive()));
        line(out, "Uplink depth", Long.toString(s.uplinkDepth()));
        line(out, "Messages in", Long.toString(s.messagesIn()));
        line(out, "Messages out", Long.toString(s.messagesOut()));
        line(out, "Reconnects", Long.toString(s.reconnects()));
        line(out, "Dead letters", Long.toString(s.deadLetters()));
        notReported(out, s);
        return out.toString();
    }

    /** Device reports held back, and for which Devices and why (see the setting report.devices). */
    private static void notReported(StringBuilder out, CloudLinkSnapshot s) {
        if (s.reportsNotSent() == 0 && s.devicesNotReported().isEmpty()) {
            line(out, "Not reported", "none");
            return;
        }
        int devices = s.devicesNotReported().size();
        line(out, "Not reported", s.reportsNotSent() + " device report(s) of " + devices
                + (devices == CloudLinkSnapshot.MAX_DEVICES_LISTED ? " or more" : "") + " device(s) the cloud"
                + " does not know (CloudCore answers reports only of Devices it sent; report.devices=all sends them)");
        s.devicesNotReported().forEach((device, why) -> out.append(String.format("%-16s %s: %s%n", "", device, why)));
    }

    private static String text(Instant instant) {
        return instant.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-16s %s%n", label + ":", value));
    }
}
