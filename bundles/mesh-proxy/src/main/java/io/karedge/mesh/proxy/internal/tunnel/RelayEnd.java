package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;

/**
 * On a relay node, one leg's stream ending in the other leg's stream: bytes from one peer are sent on as
 * the other stream's DATA, and the credit of the first goes back only once the second has sent them, so
 * the relay holds at most one window per direction and stream. FIN passes on as FIN, a reset as a reset.
 */
final class RelayEnd implements StreamEnd {

    private final TunnelStream other;
    private TunnelStream own;

    RelayEnd(TunnelStream other) {
        this.other = other;
    }

    @Override
    public void bind(TunnelStream stream) {
        this.own = stream;
    }

    @Override
    public void start(TunnelStream stream) {
        // bytes arrive through the other stream's end
    }

    @Override
    public void write(ByteBuf data, Runnable written) {
        if (!other.connectionRun(() -> other.fromLocal(data, written))) {
            data.release();
        }
    }

    @Override
    public void shutdownOutput(Runnable done) {
        other.connectionRun(other::localInputShutdown);
        done.run();
    }

    @Override
    public void reading(boolean on) {
        // credit, not reading, holds the other leg back
    }

    @Override
    public void close() {
        own.connectionRun(own::endClosed);
    }

    @Override
    public void abort() {
        other.connectionRun(other::partnerAborted);
    }
}
