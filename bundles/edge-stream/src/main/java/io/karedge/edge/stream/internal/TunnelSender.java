package io.karedge.edge.stream.internal;

/** Writes messages into the tunnel; safe to call from many threads (messages are not interleaved). */
@FunctionalInterface
interface TunnelSender {

    /** @return whether the message was handed to the tunnel (false once the tunnel is gone) */
    boolean send(TunnelMessage message);
}
