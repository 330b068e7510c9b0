package io.karedge.cloud.bridge.internal.shell;

import io.karedge.cloud.bridge.CloudLinkSnapshot;
import io.karedge.cloud.bridge.CloudLinkStatus;
import io.karedge.cloud.bridge.WatchedResource;
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
        cloudWatch(out, s);
        return out.toString();
    }

    /** The cloud watch feed, one line per watched resource: the watch, the last list, the events. */
    private static void cloudWatch(StringBuilder out, CloudLinkSnapshot s) {
        if (s.cloudWatch().isEmpty()) {
            line(out, "Cloud watch", "none (watch.resources is empty)");
            return;
        }
        for (WatchedResource watch : s.cloudWatch()) {
            line(out, "Watch " + watch.resource(), watch(watch));
        }
    }

    static String watch(WatchedResource w) {
        String state = switch (w.state()) {
            case NOT_ASKED -> "not asked";
            case ASKED -> "asked";
            case ACCEPTED -> "accepted";
            case REFUSED -> "refused (" + w.reason() + "), asked again at " + text(w.retryAt());
            case RETRYING -> "retrying at " + text(w.retryAt()) + " (" + w.reason() + ")";
            case DISCONNECTED -> "disconnected, asked again when the link is back"
                    + (w.reason().isEmpty() ? "" : " (" + w.reason() + ")");
        };
        String list = w.lastList() == null ? "never listed"
                : "listed " + w.listedObjects() + " at " + text(w.lastList()) + ", " + w.deletedByList()
                + " deleted here";
        String listProblem = w.listProblem().isEmpty() ? "" : " (list failing: " + w.listProblem()
                + (w.listRetryAt() == null ? "" : ", tried again at " + text(w.listRetryAt())) + ")";
        return state + "; " + list + listProblem + "; " + w.eventsSinceConnect() + " event(s) since connect";
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
        return String.valueOf(instant);
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-16s %s%n", label + ":", value));
    }
}
