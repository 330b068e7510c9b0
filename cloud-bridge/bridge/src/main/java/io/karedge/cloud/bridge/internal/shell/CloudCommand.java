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

    @Override
    public Object execute() {
        if (status == null) {
            System.out.println("State:           DISABLED (no cloud configured; join with edge:join)");
            return null;
        }
        System.out.print(format(status.snapshot()));
        System.out.flush();
        return null;
    }

    static String format(CloudLinkSnapshot s) {
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
        return out.toString();
    }

    private static String text(Instant instant) {
        return instant.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-16s %s%n", label + ":", value));
    }
}
