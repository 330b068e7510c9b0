package io.karedge.cloud.bridge;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The cloud link at one moment.
 *
 * @param state             where the link stands
 * @param reason            why it is in that state (the last error while backing off or failed), or {@code ""}
 * @param since             when the link entered the state
 * @param server            CloudHub address ({@code host:port}), or {@code ""}
 * @param node              the node name the cloud knows this node by, or {@code ""}
 * @param certificateExpiry when the edge certificate expires, or {@code null} without one
 * @param certificateRenewal when the certificate will be rotated, or {@code null}
 * @param lastKeepalive     when the last keepalive went out, or {@code null}
 * @param uplinkDepth       entries waiting in the Uplink
 * @param messagesIn        messages received from the cloud since the bridge started
 * @param messagesOut       messages written to the cloud since the bridge started (keepalives included)
 * @param reconnects        connections opened after the first one
 * @param deadLetters       Uplink entries dropped because they failed validation
 * @param reportsNotSent    device twin and state reports removed from the Uplink unsent, because the cloud
 *                          does not know their Device (setting {@code report.devices})
 * @param devicesNotReported the Devices ({@code <namespace>/<name>}) whose reports were not sent, each with
 *                          why, sorted by id; at most {@link #MAX_DEVICES_LISTED} of them
 * @param cloudWatch        the cloud watch feed, one entry per resource of {@code watch.resources} in that order
 *                          (empty when none is watched); since 1.3
 * @since 1.1
 */
public record CloudLinkSnapshot(LinkState state, String reason, Instant since, String server, String node,
                                Instant certificateExpiry, Instant certificateRenewal, Instant lastKeepalive,
                                long uplinkDepth, long messagesIn, long messagesOut, long reconnects,
                                long deadLetters, long reportsNotSent, Map<String, String> devicesNotReported,
                                List<WatchedResource> cloudWatch) {

    /** Most Devices listed in {@link #devicesNotReported}. */
    public static final int MAX_DEVICES_LISTED = 100;

    public CloudLinkSnapshot {
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
        server = server == null ? "" : server;
        node = node == null ? "" : node;
        devicesNotReported = devicesNotReported == null ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(devicesNotReported));
        cloudWatch = cloudWatch == null ? List.of() : List.copyOf(cloudWatch);
    }

    /** A snapshot without the cloud watch feed (the form of version 1.1). */
    public CloudLinkSnapshot(LinkState state, String reason, Instant since, String server, String node,
                             Instant certificateExpiry, Instant certificateRenewal, Instant lastKeepalive,
                             long uplinkDepth, long messagesIn, long messagesOut, long reconnects, long deadLetters,
                             long reportsNotSent, Map<String, String> devicesNotReported) {
        this(state, reason, since, server, node, certificateExpiry, certificateRenewal, lastKeepalive, uplinkDepth,
                messagesIn, messagesOut, reconnects, deadLetters, reportsNotSent, devicesNotReported, List.of());
    }

    /** A snapshot with no device reports held back (the form of version 1.0). */
    public CloudLinkSnapshot(LinkState state, String reason, Instant since, String server, String node,
                             Instant certificateExpiry, Instant certificateRenewal, Instant lastKeepalive,
                             long uplinkDepth, long messagesIn, long messagesOut, long reconnects, long deadLetters) {
        this(state, reason, since, server, node, certificateExpiry, certificateRenewal, lastKeepalive, uplinkDepth,
                messagesIn, messagesOut, reconnects, deadLetters, 0, Map.of(), List.of());
    }
}
