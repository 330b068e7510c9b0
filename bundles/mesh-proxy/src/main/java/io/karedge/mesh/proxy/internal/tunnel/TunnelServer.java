package io.karedge.mesh.proxy.internal.tunnel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;

/** The node's tunnel listener: every accepted connection becomes an acceptor-side {@link TunnelConnection}. */
final class TunnelServer implements AutoCloseable {

    private final Channel channel;
    private final ChannelGroup accepted;

    private TunnelServer(Channel channel, ChannelGroup accepted) {
        this.channel = channel;
        this.accepted = accepted;
    }

    static TunnelServer bind(InetSocketAddress address, TunnelContext context, TunnelTls tls, EventLoopGroup group,
                             Class<? extends ServerChannel> serverChannel) throws InterruptedException {
        ChannelGroup accepted = new DefaultChannelGroup("tunnel-accepted", GlobalEventExecutor.INSTANCE);
        Channel bound = new ServerBootstrap()
                .group(group)
                .channel(serverChannel)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        TunnelConnection connection = new TunnelConnection(context, TunnelConnection.Role.ACCEPTOR,
                                null, ch.eventLoop().newPromise());
                        TunnelChannels.configure(ch, tls.server().newHandler(ch.alloc()), connection);
                    }
                })
                .bind(address).sync().channel();
        return new TunnelServer(bound, accepted);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        accepted.close().awaitUninterruptibly();
    }
}
