package io.karedge.mesh.proxy.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local TCP listener of one Service port, on the Service's loopback address and the Service port.
 * New connections are balanced over the current {@link EndpointPool}; replacing the pool never touches
 * connections already relayed (they drain on their old endpoint). Closing the listener stops accepting;
 * open connections go on until either side closes them.
 */
final class PortListener extends BoundPortRelay {

    private final Transport transport;
    private final int connectTimeoutMillis;
    private final AtomicInteger connections = new AtomicInteger();
    private final String namespace;
    private final String service;

    PortListener(String namespace, String service, InetAddress address, int port, EndpointPool pool,
                 Transport transport, long connectTimeoutMillis) {
        super(ServicePlan.id(namespace, service) + ":" + port, address, port, pool);
        this.namespace = namespace;
        this.service = service;
        this.transport = transport;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis);
    }

    @Override
    ChannelFuture startBind(InetSocketAddress at) {
        return new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FrontendHandler.WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, FrontendHandler.READS)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast("frontend",
                                new FrontendHandler(PortListener.this, transport, connectTimeoutMillis));
                    }
                })
                .bind(at);
    }

    String namespace() {
        return namespace;
    }

    String service() {
        return service;
    }

    @Override
    public int connections() {
        return connections.get();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }
}
