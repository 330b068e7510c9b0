package io.karedge.dmi.internal;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** Client channels to mapper sockets: plaintext HTTP/2 over unix domain sockets on one shared epoll loop. */
final class MapperChannels implements AutoCloseable {

    private final EventLoopGroup group;
    private final int dialTimeoutMillis;

    MapperChannels(int dialTimeoutMillis) {
        this.group = new EpollEventLoopGroup(1, new DefaultThreadFactory("karedge-dmi-client", true));
        this.dialTimeoutMillis = dialTimeoutMillis;
    }

    ManagedChannel open(String socketPath) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socketPath))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, dialTimeoutMillis)
                .withOption(ChannelOption.SO_KEEPALIVE, null) // no TCP keep-alive on a unix socket
                .overrideAuthority("localhost")
                .usePlaintext()
                .build();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
