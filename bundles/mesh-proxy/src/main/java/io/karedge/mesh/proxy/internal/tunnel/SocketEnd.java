package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;

/** A stream ending in a socket: reads are sent, the peer's bytes written, FIN and close passed through. */
final class SocketEnd implements StreamEnd {

    private final Channel channel;

    SocketEnd(Channel channel) {
        this.channel = channel;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void bind(TunnelStream stream) {
        channel.closeFuture().addListener(f -> stream.connectionRun(stream::endClosed));
    }

    @Override
    public void start(TunnelStream stream) {
        channel.pipeline().addLast("tunnel-stream", new LocalSide(stream));
        if (!channel.isActive()) {
            stream.connectionRun(stream::endClosed);
        }
    }

    @Override
    public void write(ByteBuf data, Runnable written) {
        // taken or failed, the bytes are off the connection's books either way
        channel.writeAndFlush(data).addListener(done -> written.run());
    }

    @Override
    public void shutdownOutput(Runnable done) {
        if (channel instanceof DuplexChannel duplex) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (written.isSuccess()) {
                    duplex.shutdownOutput().addListener(shut -> done.run());
                } else {
                    channel.close();
                }
            });
        } else {
            channel.close();
        }
    }

    @Override
    public void reading(boolean on) {
        LocalSide.autoRead(channel, on);
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public void abort() {
        channel.close();
    }
}
