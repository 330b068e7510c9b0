package io.karedge.cloud.bridge;

import java.time.Instant;
import java.util.Objects;

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
 */
public record CloudLinkSnapshot(LinkState state, String reason, Instant since, String server, String node,
                                Instant certificateExpiry, Instant certificateRenewal, Instant lastKeepalive,
                                long uplinkDepth, long messagesIn, long messagesOut, long reconnects,
                                long deadLetters) {

    public CloudLinkSnapshot {
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
        server = server == null ? "" : server;
        node = node == null ? "" : node;
    }
}
